// `teeny-request`, the HTTP layer of @google-cloud/storage and
// @google-cloud/bigquery, loads `node-fetch` with a dynamic `import()`,
// which never settles under Jest (the clients retry until they time out).
// Given a `Bun` global it sends through Node's own `http` module instead,
// which msw intercepts. Jest only: production runs on plain Node, where the
// import works.
(globalThis as { Bun?: unknown }).Bun ??= {};

export {};
