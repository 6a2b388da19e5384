package io.mcsessions.tomcat;

import io.mcsessions.core.ConfigurationException;
import io.mcsessions.core.StorageKeyPrefixes;
import io.mcsessions.core.StoreConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.catalina.Context;

/**
 * The manager's context.xml attributes, turned into a {@link StoreConfig} at each start (a store config is
 * sealed once validated, and a context can be restarted). Also knows memcached-session-manager's attributes that
 * have no equivalent here, and what to tell the user about each.
 */
final class ManagerSettings {
    private static final System.Logger LOG = System.getLogger("io.mcsessions.tomcat.MemcachedSessionManager");
    private static final Pattern MSM_PREFIX_TOKENS = Pattern.compile(
            "(?:static:[^,]*|host|host\\.hash|context|context\\.hash|webappVersion)"
                    + "(?:,(?:static:[^,]*|host|host\\.hash|context|context\\.hash|webappVersion))*");

    /** What we do instead of each msm attribute we do not support. */
    private static final Map<String, String> INSTEAD = Map.ofEntries(
            Map.entry("failoverNodes", "every node in memcachedNodes is a replica here: each session is written to "
                    + "'redundancy' nodes and read from whichever answer, so no node is kept for failover only; "
                    + "list the failover nodes in memcachedNodes"),
            Map.entry("memcachedProtocol", "mcsessions always speaks memcached's binary protocol"),
            Map.entry("transcoderFactoryClass", "sessions are serialized with Java serialization "
                    + "(serializer=\"java\"); for msm's Kryo transcoder set serializer=\"kryo\""),
            Map.entry("copyCollectionsForSerialization", "attributes are copied before serialization anyway; "
                    + "the live session is never changed"),
            Map.entry("customConverter", "sessions are serialized with Java serialization"),
            Map.entry("enableStatistics", "statistics are always kept; see the io.mcsessions:type=SessionStore MBean"),
            Map.entry("enabled", "the manager is always enabled; remove the Manager element to turn it off"),
            Map.entry("backupThreadCount", "writes are asynchronous per node and need no thread pool"),
            Map.entry("sessionBackupTimeout", "operationTimeout bounds every write"));

    /** msm's Kryo transcoder factory, which serializer="kryo" replaces. */
    static final String MSM_KRYO_TRANSCODER = "de.javakaffee.web.msm.serializer.kryo.KryoTranscoderFactory";

    /** What the typed setters set; copied at each start, so that a restarted context starts from it again. */
    final StoreConfig config = new StoreConfig();
    /** serializer was set: msm's Kryo transcoder attribute then changes nothing. */
    boolean serializerSet;
    /** msm's transcoderFactoryClass named its Kryo transcoder and no serializer was set: use Kryo, say so once. */
    boolean kryoFromMsm;
    boolean trustUnsignedPrincipal;
    private final Map<String, String> unsupported = new LinkedHashMap<>();
    /** Numeric attributes whose context.xml value was not a number, by name; they fail the start. */
    private final Map<String, String> malformed = new LinkedHashMap<>();

    /** Our numeric attributes and the unit their message names. */
    private static final Map<String, String> NUMERIC = Map.of("redundancy", "whole number",
            "operationTimeout", "whole number of milliseconds", "retryInterval", "whole number of milliseconds",
            "lockWaitTimeout", "whole number of milliseconds", "maxValueSize", "whole number of bytes",
            "maxLocalCopies", "whole number");

    /**
     * An attribute Tomcat's digester found no typed setter for, or could not convert for one: msm's attributes
     * without an equivalent are remembered for one warning at start (msm's Kryo transcoder becomes
     * serializer="kryo"); a malformed value of one of our numeric attributes fails the start with a message naming
     * it, instead of Tomcat's warning and the default. False for any other name, which Tomcat reports as unknown.
     */
    boolean untyped(String attribute, String value) {
        if (attribute.equals("transcoderFactoryClass") && value != null && value.trim().equals(MSM_KRYO_TRANSCODER)) {
            kryoFromMsm = true;
            return true;
        }
        if (INSTEAD.containsKey(attribute)) {
            unsupported.put(attribute, value);
            return true;
        }
        if (NUMERIC.containsKey(attribute)) {
            malformed.put(attribute, value);
            return true;
        }
        return false;
    }

    /** A value set through a typed setter replaces a malformed one given earlier. */
    void wellFormed(String attribute) {
        malformed.remove(attribute);
    }

    /** One warning per msm attribute without an equivalent, and for msm's lockingMode "auto". */
    void warnAboutUnsupported(String storeName) {
        unsupported.forEach((attribute, value) -> LOG.log(System.Logger.Level.WARNING, storeName + " - msm attribute "
                + attribute + "=\"" + value + "\" is not supported by mcsessions and is ignored: "
                + INSTEAD.get(attribute)));
        if (kryoFromMsm && !serializerSet) {
            LOG.log(System.Logger.Level.INFO, storeName + " - msm attribute transcoderFactoryClass=\""
                    + MSM_KRYO_TRANSCODER + "\" is read as serializer=\"kryo\": sessions are written with Kryo 5 in "
                    + "mcsessions' own format (msm's stored sessions are not read). Set serializer=\"kryo\" instead");
        }
        if (isAutoLocking()) {
            LOG.log(System.Logger.Level.WARNING, storeName + " - lockingMode=\"auto\" (msm) is not supported; "
                    + "mcsessions locks every request instead (lockingMode=\"all\"), which never loses an update");
        }
    }

    private boolean isAutoLocking() {
        String lockingMode = config.getLockingMode();
        return lockingMode != null && lockingMode.trim().equalsIgnoreCase("auto");
    }

    /** A copy of what was set, completed by what depends on the context; not yet validated. */
    StoreConfig toStoreConfig(String storeName, String host, Context context, String jvmRoute) {
        if (!malformed.isEmpty()) {
            Map.Entry<String, String> bad = malformed.entrySet().iterator().next();
            throw new ConfigurationException(bad.getKey() + " must be a " + NUMERIC.get(bad.getKey()) + ", but was '"
                    + bad.getValue() + "'");
        }
        StoreConfig copy = config.copy();
        copy.setStoreName(storeName);
        copy.setStorageKeyPrefix(storageKeyPrefix(config.getStorageKeyPrefix(), host, context));
        if (isAutoLocking()) {
            copy.setLockingMode("all");
        }
        if (kryoFromMsm && !serializerSet) {
            copy.setSerializer(StoreConfig.KRYO_SERIALIZER);
        }
        if (jvmRoute != null && !jvmRoute.isBlank()) {
            copy.setWriterId(jvmRoute);
        }
        return copy;
    }

    /**
     * The key prefix: the user's prefix followed by the host and context path (by default {@code mcs:}); or msm's
     * token form ({@code static:x,host,context,...}), expanded exactly as written, for users who want to say what
     * the key holds, or to share sessions between applications on purpose.
     */
    static String storageKeyPrefix(String storageKeyPrefix, String host, Context context) {
        String path = context.getPath().isEmpty() ? "/" : context.getPath();
        if (storageKeyPrefix == null) {
            return StorageKeyPrefixes.forContext(StoreConfig.DEFAULT_STORAGE_KEY_PREFIX, host + path);
        }
        if (!MSM_PREFIX_TOKENS.matcher(storageKeyPrefix).matches()) {
            // The user's own prefix, and the context after it: set in conf/context.xml it applies to every web
            // application, which must not share sessions. msm's token form below says exactly what the key holds.
            return StorageKeyPrefixes.forContext(storageKeyPrefix, host + path);
        }
        StringBuilder prefix = new StringBuilder();
        for (String token : storageKeyPrefix.split(",")) {
            String part = switch (token) {
                case "host" -> host;
                case "host.hash" -> Integer.toHexString(host.hashCode());
                case "context" -> path;
                case "context.hash" -> Integer.toHexString(path.hashCode());
                case "webappVersion" -> context.getWebappVersion() == null ? "" : context.getWebappVersion();
                default -> token.substring("static:".length());
            };
            if (!part.isEmpty()) {
                prefix.append(part).append('_');
            }
        }
        return StorageKeyPrefixes.plainOrHashed(prefix.toString(), StorageKeyPrefixes.MAX_LENGTH);
    }
}
