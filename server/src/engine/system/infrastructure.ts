/**
 * Infrastructure: containers a deployment runs from a published image of a
 * broker, database, cache, proxy or tool (`postgres:16`, `bitnami/kafka`,
 * `nginx`). They are never services of the system, even when a compose file
 * builds them from a local folder (`build: ./nginx`).
 */

/** Image (or compose service) base names, matched whole, and the kind of infrastructure they are. */
const IMAGE_KINDS: [RegExp, string][] = [
  [/^(postgres(ql)?|postgis|timescaledb(-ha)?|supabase-postgres|pgvector|cockroach(db)?|yugabyte)$/, 'postgres'],
  [/^(mysql|mariadb|percona)$/, 'mysql'],
  [/^(mongo(db)?|mongodb-community-server|mongo-replica-set)$/, 'mongodb'],
  [/^(redis(-stack(-server)?)?|valkey|keydb|dragonfly(db)?|redis-cluster|redict)$/, 'redis'],
  [/^memcached$/, 'memcached'],
  [/^(rabbitmq|rabbit)$/, 'rabbitmq'],
  [/^(kafka|cp-kafka|cp-server|redpanda|kafka-kraft|confluent-local)$/, 'kafka'],
  [/^(zookeeper|cp-zookeeper)$/, 'zookeeper'],
  [/^(cp-schema-registry|schema-registry|kafka-connect|cp-kafka-connect|debezium-connect)$/, 'kafka'],
  [/^(nats|nats-streaming|nats-server)$/, 'nats'],
  [/^(activemq|artemis|activemq-artemis|pulsar|emqx|mosquitto|eclipse-mosquitto)$/, 'broker'],
  [/^(clickhouse|clickhouse-server)$/, 'clickhouse'],
  [/^(elasticsearch|opensearch|meilisearch|typesense|solr|kibana|opensearch-dashboards)$/, 'search'],
  [/^(cassandra|scylla|scylladb|neo4j|couchdb|couchbase|influxdb|questdb|dynamodb-local|mssql-server|mssql|oracle|surrealdb|arangodb|qdrant|weaviate|chroma|milvus)$/, 'database'],
  [/^(nginx|caddy|traefik|haproxy|envoy|kong|apache|httpd|nginx-proxy|openresty|ingress-nginx)$/, 'proxy'],
  [/^(minio|localstack|azurite|fake-gcs-server|gcs-emulator|pubsub-emulator|google-cloud-cli|s3mock)$/, 'cloud-emulator'],
  [/^(temporal|temporal-ui|temporal-admin-tools)$/, 'temporal'],
  [/^(jaeger|jaeger-all-in-one|zipkin|otel-collector|opentelemetry-collector(-contrib)?|prometheus|grafana|loki|tempo|promtail|alertmanager|node-exporter|cadvisor|signoz|seq)$/, 'observability'],
  [/^(mailhog|mailpit|maildev|smtp4dev|mailcatcher|greenmail)$/, 'mail'],
  [/^(pgadmin4?|adminer|mongo-express|kafka-ui|kafdrop|akhq|redis-commander|redisinsight|phpmyadmin|conduktor|portainer)$/, 'admin-tool'],
  [/^(etcd|consul|vault|keycloak|zitadel|unleash|flagsmith|docker|dind|registry|watchtower|ngrok|certbot|gotenberg|browserless|chrome)$/, 'tool'],
  [/^(eventstore|eventstoredb|eventstoredb-ce|kurrentdb)$/, 'eventstore'],
];

/** Publishers whose every image is infrastructure (`temporalio/ui`, `jaegertracing/all-in-one`). */
const PUBLISHER_KINDS: [RegExp, string][] = [
  [/(^|\/)temporalio\//, 'temporal'],
  [/(^|\/)jaegertracing\//, 'observability'],
  [/(^|\/)(debezium|confluentinc)\//, 'kafka'],
  [/(^|\/)(grafana|prom|otel)\//, 'observability'],
];

/** The base name of an image reference: `docker.io/bitnami/kafka:3.6@sha256:...` -> `kafka`. */
export function imageBaseName(image: string): string {
  const withoutDigest = image.split('@')[0];
  const last = withoutDigest.split('/').pop() ?? withoutDigest;
  return last.replace(/:.*$/, '').toLowerCase();
}

/** The infrastructure kind of an image or a compose service name, or undefined when it is not known infrastructure. */
export function infrastructureKind(image: string | undefined, name?: string): string | undefined {
  const publisher = image ? PUBLISHER_KINDS.find(([re]) => re.test(image.toLowerCase())) : undefined;
  if (publisher && !image!.includes('${')) return infrastructureKind(undefined, imageBaseName(image!)) ?? publisher[1];
  for (const candidate of [image ? imageBaseName(image) : undefined, name?.toLowerCase()]) {
    if (!candidate || candidate.includes('${')) continue;
    const hit = IMAGE_KINDS.find(([re]) => re.test(candidate));
    if (hit) return hit[1];
  }
  return undefined;
}
