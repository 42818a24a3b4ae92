/**
 * The lazily loaded half of hunch (`dist/hunch-intent.js` for the script tag; a code-split chunk
 * of the ESM build): intent service, feature encoding, heuristic, triggers and the model client.
 * Loaded when the page is idle, so the first script a storefront loads stays small.
 */
export { createIntentService, type IntentService, type IntentServiceDeps } from './intent-service.js';
export { loadModelPredictor, type ModelPredictor } from './model/client.js';
export { createRecommendService, type RecommendService } from './recommend-service.js';
export { startServices, type ServiceFactories } from './start-services.js';
