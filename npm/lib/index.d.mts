// ESM view of the same declarations (the ESM entry re-exports the CommonJS module).
export * from './index.cjs';
import * as acp from './index.cjs';
export default acp;
