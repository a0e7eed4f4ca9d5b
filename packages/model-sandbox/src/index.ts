// The model sandbox's public surface: the server factory and the types of its control surface.
export {
  createModelSandbox,
  type ModelSandbox,
  type ModelSandboxOptions,
  type Persona,
  type RecordedRequest,
  type FaultSpec,
} from './model-sandbox.js';
export type { Usage } from './model-wire.js';
