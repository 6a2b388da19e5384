package io.mcsessions.boot;

import io.mcsessions.core.ConfigurationException;
import io.mcsessions.core.StoreConfig;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.util.unit.DataSize;

/**
 * Hands the properties that are set to an adapter's setters, converted to the adapter's units; those left unset
 * keep the adapter's default, which is declared there only. Settings of the other container are named in one
 * warning each: they are not errors, they only do nothing here.
 */
final class AdapterSettings {
    private static final Log LOG = LogFactory.getLog(AdapterSettings.class);

    private AdapterSettings() {
    }

    /** Calls {@code setter} with {@code value} when the property is set. */
    static <T> void set(T value, Consumer<T> setter) {
        if (value != null) {
            setter.accept(value);
        }
    }

    static Long millis(Duration duration) {
        return duration == null ? null : duration.toMillis();
    }

    /** {@code maxValueSize} in bytes; the adapters take an int. */
    static Integer bytes(DataSize size) {
        if (size == null) {
            return null;
        }
        if (size.toBytes() > Integer.MAX_VALUE) {
            throw new ConfigurationException("maxValueSize must be at most " + Integer.MAX_VALUE
                    + " bytes (memcached's own limit is 1GB), but was " + size.toBytes() + " bytes");
        }
        return (int) size.toBytes();
    }

    /**
     * Checks the settings that reach core unchanged with core's own rules, before the web server starts. The adapters
     * check them again when the context starts, but a context that fails to start shows up in Boot only as "failed
     * to start" (Tomcat logs the reason); an exception from here is the application's start failure itself, with
     * core's message. Settings that only one adapter has (Jetty's save period, Tomcat's msm names) are left to it.
     *
     * @throws ConfigurationException naming the setting, the rule and the value
     */
    static void check(McsessionsProperties p, boolean tomcat) {
        StoreConfig config = new StoreConfig();
        config.setMemcachedNodes(p.getMemcachedNodes());
        set(p.getRedundancy(), config::setRedundancy);
        set(millis(p.getOperationTimeout()), config::setOperationTimeout);
        set(millis(p.getRetryInterval()), config::setRetryInterval);
        set(bytes(p.getMaxValueSize()), config::setMaxValueSize);
        set(p.getUsername(), config::setUsername);
        set(p.getPassword(), config::setPassword);
        set(p.getSigningKeys(), config::setSigningKeys);
        set(p.getDeserializationFilter(), config::setDeserializationFilter);
        set(p.getSerializer(), config::setSerializer);
        set(p.getSessionAttributeFilter(), config::setSessionAttributeFilter);
        set(p.getMaxLocalCopies(), config::setMaxLocalCopies);
        if (tomcat) {
            set(millis(p.getLockWaitTimeout()), config::setLockWaitTimeout);
            set(p.getRequestUriIgnorePattern(), config::setRequestUriIgnorePattern);
            // msm's "auto" is Tomcat's to translate (to "all", with a warning)
            if (p.getLockingMode() != null && !p.getLockingMode().trim().equalsIgnoreCase("auto")) {
                config.setLockingMode(p.getLockingMode());
            }
        }
        config.validate();
    }

    /** The Jetty-only settings that are set, by property name. */
    static Map<String, Object> jettyOnly(McsessionsProperties p) {
        Map<String, Object> set = new LinkedHashMap<>();
        set.put("writer-id", p.getWriterId());
        set.put("log-to-slf4j", p.getLogToSlf4j());
        set.put("save-period-sec", p.getSavePeriodSec());
        set.put("grace-period-sec", p.getGracePeriodSec());
        set.values().removeIf(v -> v == null);
        return set;
    }

    /** The Tomcat-only settings that are set, by property name. */
    static Map<String, Object> tomcatOnly(McsessionsProperties p) {
        Map<String, Object> set = new LinkedHashMap<>();
        set.put("request-uri-ignore-pattern", p.getRequestUriIgnorePattern());
        set.put("locking-mode", p.getLockingMode());
        set.put("lock-wait-timeout", p.getLockWaitTimeout());
        set.put("trust-unsigned-principal", p.getTrustUnsignedPrincipal());
        set.values().removeIf(v -> v == null);
        return set;
    }

    static void warnIgnored(Map<String, Object> settings, String container, String otherContainer) {
        settings.keySet().forEach(name -> LOG.warn("mcsessions." + name + " is a " + otherContainer
                + " setting and does nothing on " + container + "; remove it"));
    }
}
