/** Node-only parts of the SDK (they use node:fs): `import { FileOutboxStore } from '@segmentchat/client/node'`. */
export { FileOutboxStore } from './file-outbox-store.ts';
