/** Where the shipped intent model lives in the repository. */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `<repo>/models/intent`: the folder the package ships the model from. */
export const MODEL_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'models', 'intent');
