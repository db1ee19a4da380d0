"""Starting a stage as a terminal would, for tests that Ctrl-C it."""
import signal


def sigint_as_in_a_terminal() -> None:
    """A subprocess's preexec_fn: give SIGINT its default disposition. A shell without job control
    starts background jobs (a CI script run with `&`, nohup) with SIGINT ignored, and Python keeps an
    ignored SIGINT ignored, so a Ctrl-C test would see the stage go on as if nothing happened."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
