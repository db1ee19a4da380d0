import sys
from pathlib import Path

# Lets tests import the helpers beside them (dataset_files) however pytest is started.
sys.path.insert(0, str(Path(__file__).parent))
