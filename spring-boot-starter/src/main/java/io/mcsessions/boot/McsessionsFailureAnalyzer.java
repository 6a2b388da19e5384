package io.mcsessions.boot;

import io.mcsessions.core.ConfigurationException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns an invalid mcsessions setting into Boot's "APPLICATION FAILED TO START" report: core's message (setting,
 * rule, value) as the description, and where to fix it as the action.
 */
public class McsessionsFailureAnalyzer extends AbstractFailureAnalyzer<ConfigurationException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, ConfigurationException cause) {
        return new FailureAnalysis("The mcsessions session store is misconfigured: " + cause.getMessage(),
                "Correct the mcsessions.* property the message names (in its Spring form, e.g. mcsessions.redundancy "
                        + "for redundancy); docs/configuration.md lists every setting and its rules.", cause);
    }
}
