package io.mcsessions.tomcat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.util.Collections;
import java.util.List;
import org.apache.catalina.util.ServerInfo;
import org.junit.jupiter.api.Test;

/**
 * The embedded suite runs twice, once per Tomcat major (see the surefire executions in the pom); this proves
 * each run uses the Tomcat it claims, and only that one.
 */
class TomcatVersionTest {

    @Test
    void runsOnTheTomcatMajorItsSurefireExecutionNames() {
        String expected = System.getProperty("mcsessions.expectedTomcatMajor");
        assertNotNull(expected, "mcsessions.expectedTomcatMajor is not set: run the suite through Maven, whose "
                + "surefire executions set it to 10 and 11");
        String actual = ServerInfo.getServerNumber();
        assertTrue(actual.startsWith(expected + "."), "expected Tomcat " + expected + ".x but the class path holds "
                + ServerInfo.getServerInfo() + " (" + actual + ")");
    }

    @Test
    void classPathHoldsExactlyOneTomcat() throws IOException {
        List<URL> copies = Collections.list(getClass().getClassLoader()
                .getResources("org/apache/catalina/util/ServerInfo.properties"));
        assertEquals(1, copies.size(), "Tomcat jars on the class path: " + copies);
    }
}
