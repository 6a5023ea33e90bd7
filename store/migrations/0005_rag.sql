-- Package rag's tables: the text extracted from each document and its chunks. Deleting a
-- document deletes both.
CREATE TABLE rag_texts (
	document_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
	format TEXT NOT NULL,                -- txt, md, html, pdf, docx
	encoding TEXT NOT NULL DEFAULT '',   -- utf-8, gb18030, ...
	source TEXT NOT NULL DEFAULT '',     -- the archive the document came from, if any
	text TEXT NOT NULL
);
CREATE TABLE rag_chunks (
	document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
	seq INTEGER NOT NULL,
	heading TEXT NOT NULL DEFAULT '',    -- heading path, levels separated by U+001F
	start_byte INTEGER NOT NULL,
	end_byte INTEGER NOT NULL,
	text TEXT NOT NULL,
	PRIMARY KEY (document_id, seq)
);
