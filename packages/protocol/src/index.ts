export * from './version.ts';
export * from './error-code.ts';
export * from './limits.ts';
export * from './entities.ts';
export * from './requests.ts';
export * from './events.ts';
export * from './frames.ts';
export * from './http.ts';
