"""Running documents: one document through the stages (``document``), the unit of work of the
engines (``worker``), where it runs (``engines``), its output files (``outputs``), the combined
outputs of a collection (``collection``) and the run as a whole (``pipeline``)."""

from .document import process, process_file, process_text
from .pipeline import Progress, check_paths, collect, run, unique_ids

__all__ = ["Progress", "check_paths", "collect", "process", "process_file", "process_text", "run", "unique_ids"]
