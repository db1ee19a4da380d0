"""What every stage script shares: one clear line and exit code 2 for bad params or data."""
from __future__ import annotations

import sys
from typing import Callable

from .data.formats import DataError
from .params import ParamsError


def run_stage(main: Callable[[], None]) -> None:
    try:
        main()
    except ParamsError as error:
        print(f"params.yaml: {error}", file=sys.stderr)
        sys.exit(2)
    except DataError as error:
        print(f"data: {error}", file=sys.stderr)
        sys.exit(2)
