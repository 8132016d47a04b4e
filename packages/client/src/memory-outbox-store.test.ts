import { MemoryOutboxStore } from './memory-outbox-store.ts';
import { outboxStoreContract } from './outbox-store-contract.ts';

outboxStoreContract('MemoryOutboxStore', async () => new MemoryOutboxStore(), { durable: false });
