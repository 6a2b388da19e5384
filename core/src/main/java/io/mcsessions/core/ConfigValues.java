package io.mcsessions.core;

import java.io.ObjectInputFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** How {@link StoreConfig#validate()} reads each setting; every message names the setting, the rule and the value. */
final class ConfigValues {
    private ConfigValues() {
    }

    static void checkNumbers(long operationTimeout, long retryInterval, long lockWaitTimeout, int maxValueSize,
                             int maxLocalCopies) {
        requirePositive("operationTimeout", operationTimeout);
        requirePositive("retryInterval", retryInterval);
        requirePositive("lockWaitTimeout", lockWaitTimeout);
        if (maxValueSize < 1024) {
            throw new ConfigurationException("maxValueSize must be at least 1024 bytes, but was " + maxValueSize);
        }
        if (maxLocalCopies < 0) {
            throw new ConfigurationException("maxLocalCopies must be 0 or more, but was " + maxLocalCopies);
        }
    }

    static void checkCredentials(String username, String password) {
        if ((username == null) != (password == null)) {
            throw new ConfigurationException("username and password must be set together, but only "
                    + (username == null ? "password" : "username") + " was set");
        }
    }

    private static void requirePositive(String name, long value) {
        if (value <= 0) {
            throw new ConfigurationException(name + " must be a positive number of milliseconds, but was " + value);
        }
    }

    static String prefix(String storageKeyPrefix) {
        String prefix = storageKeyPrefix == null ? "" : storageKeyPrefix;
        if (prefix.length() > StorageKeyPrefixes.MAX_LENGTH || !prefix.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new ConfigurationException("storageKeyPrefix must be at most " + StorageKeyPrefixes.MAX_LENGTH
                    + " printable ASCII characters without spaces, but was " + quote(prefix));
        }
        return prefix;
    }

    /** The pattern of {@code uriPattern:<regex>}, or null for {@code none} and {@code all}. */
    static Pattern lockingUriPattern(String lockingMode) {
        String mode = lockingMode == null ? "none" : lockingMode.trim();
        if (mode.equalsIgnoreCase("none") || mode.equalsIgnoreCase("all")) {
            return null;
        }
        if (!mode.startsWith("uriPattern:")) {
            throw new ConfigurationException("lockingMode must be none, all or uriPattern:<regex>, but was "
                    + quote(lockingMode));
        }
        Pattern pattern = compile("lockingMode", mode.substring("uriPattern:".length()));
        if (pattern == null) {
            throw new ConfigurationException("lockingMode uriPattern: needs a regular expression after the colon, "
                    + "but was " + quote(lockingMode));
        }
        return pattern;
    }

    static StoreConfig.Locking locking(String trimmedMode, Pattern uriPattern) {
        return uriPattern != null ? StoreConfig.Locking.URI_PATTERN
                : trimmedMode.equalsIgnoreCase("all") ? StoreConfig.Locking.ALL : StoreConfig.Locking.NONE;
    }

    static List<String> signingKeys(String signingKeys) {
        if (signingKeys == null || signingKeys.isBlank()) {
            return List.of();
        }
        List<String> keys = new ArrayList<>();
        for (String key : signingKeys.split(",")) {
            String trimmed = key.trim();
            if (trimmed.length() < 16) {
                throw new ConfigurationException("signingKeys must each be at least 16 characters, but key "
                        + (keys.size() + 1) + " has " + trimmed.length());
            }
            if (trimmed.startsWith("${") && trimmed.endsWith("}")) {
                // A property the container did not replace: as a key it would be a secret printed in the docs.
                throw new ConfigurationException("signingKeys must be secrets, but key " + (keys.size() + 1) + " is "
                        + "the property reference " + trimmed + " that nothing replaced: define the property (e.g. in "
                        + "Tomcat's conf/catalina.properties)");
            }
            keys.add(trimmed);
        }
        return List.copyOf(keys);
    }

    static ObjectInputFilter classFilter(String deserializationFilter) {
        if (deserializationFilter == null || deserializationFilter.isBlank()) {
            return null;
        }
        try {
            return ObjectInputFilter.Config.createFilter(deserializationFilter);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("deserializationFilter must be a JEP 290 filter pattern (e.g. "
                    + "com.shop.**;java.**;!*), but was " + quote(deserializationFilter) + ": " + e.getMessage());
        }
    }

    /** {@link StoreConfig#JAVA_SERIALIZER} or {@link StoreConfig#KRYO_SERIALIZER}, once Kryo is known to be there. */
    static String serializer(String serializer) {
        String name = serializer == null || serializer.isBlank() ? StoreConfig.JAVA_SERIALIZER
                : serializer.trim().toLowerCase(Locale.ROOT);
        if (!name.equals(StoreConfig.JAVA_SERIALIZER) && !name.equals(StoreConfig.KRYO_SERIALIZER)) {
            throw new ConfigurationException("serializer must be java or kryo, but was " + quote(serializer));
        }
        if (name.equals(StoreConfig.KRYO_SERIALIZER) && !kryoAvailable()) {
            throw new ConfigurationException("serializer kryo needs Kryo 5 (com.esotericsoftware:kryo 5.x, with "
                    + "objenesis, minlog and reflectasm) on the class path beside mcsessions-core, but it was not "
                    + "found; add it, or set serializer to java");
        }
        return name;
    }

    /**
     * Whether Kryo 5 can be loaded beside this class: its {@code Pool} exists in Kryo 5 only. By name, so that this
     * class never links to Kryo (the Tomcat drop-in jars relocate the name along with the classes).
     */
    private static boolean kryoAvailable() {
        try {
            Class.forName("com.esotericsoftware.kryo.util.Pool", false, ConfigValues.class.getClassLoader());
            Class.forName("org.objenesis.strategy.StdInstantiatorStrategy", false, ConfigValues.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    static Pattern compile(String name, String regex) {
        if (regex == null || regex.isEmpty()) {
            return null;
        }
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new ConfigurationException(name + " must be a valid regular expression, but was " + quote(regex)
                    + ": " + e.getDescription());
        }
    }

    static String defaultWriterId() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException | SecurityException e) {
            host = "localhost";
        }
        return host + "-" + ProcessHandle.current().pid();
    }

    static String quote(String value) {
        return value == null ? "<not set>" : "'" + value + "'";
    }
}
