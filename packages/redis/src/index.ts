export { type RedisClusterConfig, RedisSessionStore, type RedisSessionStoreOptions } from './redis-store.js';
