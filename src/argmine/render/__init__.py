"""What a reader sees: summaries as Markdown (``markdown``) and a document's labels as an HTML page (``html``)."""
