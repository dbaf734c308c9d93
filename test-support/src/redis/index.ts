/** Real Redis for tests: one `redis-server`, a three-master Cluster, a primary with a replica and sentinels. */
export { type RedisClusterServer, startRedisCluster, waitUntil } from './cluster.js';
export { MASTER_NAME, type RedisSentinelServer, startRedisSentinel } from './sentinel.js';
export { freePort, type RedisServer, type RedisServerOptions, startRedisServer, stopAll } from './server.js';
