-- Models published to an Ollama server: a base model with a LoRA adapter under an Ollama name.
CREATE TABLE published_models (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	ollama_url TEXT NOT NULL,
	name TEXT NOT NULL,
	base TEXT NOT NULL,
	adapter TEXT NOT NULL DEFAULT '',
	digest TEXT NOT NULL DEFAULT '',
	published_by TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	UNIQUE (ollama_url, name)
);
