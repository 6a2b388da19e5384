# mcsessions: Jetty sessions replicated to N memcached nodes.

[description]
Stores sessions on N memcached nodes with mcsessions.
Sessions survive the loss of Jetty instances and of memcached nodes; with every node down,
each instance keeps serving the sessions it holds and writes them back when nodes return.
Use session-cache-null for non-sticky load balancing, session-cache-hash (the default) for sticky.

[tags]
session

[provides]
session-store

[depends]
sessions

[lib]
lib/mcsessions/*.jar

[xml]
etc/sessions/mcsessions/session-store.xml

[ini-template]
## The memcached nodes, as id:host:port separated by commas (required).
jetty.session.mcsessions.memcachedNodes=n1:localhost:11211

## How many nodes hold a copy of each session (default: 2, or 1 with a single node).
#jetty.session.mcsessions.redundancy=2

## How long one memcached operation may take before it counts as failed, in milliseconds.
#jetty.session.mcsessions.operationTimeout=1000

## How long a failed node is left alone before one probe checks it again, in milliseconds.
#jetty.session.mcsessions.retryInterval=2000

## Prefix of every memcached key (the context path and virtual host are added).
#jetty.session.mcsessions.storageKeyPrefix=mcs:

## Write sessions in the background (faster; for sticky load balancing only).
#jetty.session.mcsessions.sessionBackupAsync=false

## Sessions per context whose last copy is kept for degraded mode and expiry; 0 keeps none.
#jetty.session.mcsessions.maxLocalCopies=10000

## Names this instance in stored values (default: jetty.sessionIdManager.workerName, else host-pid).
#jetty.session.mcsessions.writerId=

## SASL credentials (binary protocol, PLAIN), both or neither.
#jetty.session.mcsessions.username=
#jetty.session.mcsessions.password=

## Keys (comma-separated, 16+ characters each) that sign every stored value; the first signs, all verify.
## Set one, the same on every instance (make it with: openssl rand -base64 32); without it anyone who can
## write to memcached can plant sessions, and each context logs a WARNING at start.
#jetty.session.mcsessions.signingKeys=

## Classes session attributes may contain, as a JEP 290 pattern, e.g. com.shop.**;java.base/*;!*
#jetty.session.mcsessions.deserializationFilter=

## How session attributes are serialized: java (Jetty's format) or kryo (Kryo 5, in lib/mcsessions).
#jetty.session.mcsessions.serializer=java

## Only attributes whose whole name matches this regular expression are written to memcached (msm's
## sessionAttributeFilter); the others stay in the instance's session cache.
#jetty.session.mcsessions.sessionAttributeFilter=

## Largest serialized session written to memcached, in bytes (match memcached's -I).
#jetty.session.mcsessions.maxValueSize=1048576

## Send mcsessions' log lines to Jetty's log (SLF4J).
#jetty.session.mcsessions.logToSlf4j=true

#jetty.session.gracePeriod.seconds=3600
#jetty.session.savePeriod.seconds=0
