package io.mcsessions.core;

/** A configuration value breaks a rule; the message names the setting, the rule and the value. */
public final class ConfigurationException extends IllegalArgumentException {
    public ConfigurationException(String message) {
        super(message);
    }
}
