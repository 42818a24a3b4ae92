declare const __HUNCH_VERSION__: string | undefined;

/** The package version, injected from package.json at build time (the only place it lives). */
export const VERSION: string = typeof __HUNCH_VERSION__ === 'string' ? __HUNCH_VERSION__ : '0.0.0-dev';
