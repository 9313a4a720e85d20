// The collector as its image runs it (`node --require ./instrumentation.js
// packages/backend-collector`), from source: the metrics first, then the
// backend. An entry point for PipelineBackend (pipelineBackend.mjs), whose
// --require of nodeTransform.cjs compiles the TypeScript.
require('../../packages/backend-collector/src/instrumentation.js');
require('../../packages/backend-collector/src/index.ts');
