import { cacheStoreContract } from './cache-store-contract.ts';
import { MemoryCacheStore } from './memory-cache-store.ts';

cacheStoreContract('MemoryCacheStore', async () => new MemoryCacheStore(), { durable: false });
