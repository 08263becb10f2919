"""Labelled sentences in and out of argmine: flat tables (csv, jsonl, parquet), spaCy's DocBin
(``spacy``), and the task formats of Label Studio, doccano and Prodigy (``export`` writes them,
``importer`` reads them back into gold)."""
