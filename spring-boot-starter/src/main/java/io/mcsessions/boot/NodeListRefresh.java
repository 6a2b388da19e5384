package io.mcsessions.boot;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.event.GenericApplicationListener;
import org.springframework.core.ResolvableType;
import org.springframework.core.env.Environment;

/**
 * Applies {@code mcsessions.memcached-nodes} again when Spring Cloud refreshes the environment (its
 * {@code EnvironmentChangeEvent}, after {@code /actuator/refresh}, a Config Server push or a bus event), so a node
 * list changed in the configuration takes effect without a restart. Spring Boot alone never changes properties at
 * run time; this listener is registered only when Spring Cloud Context is on the class path, and names its event
 * class by name so that the starter needs no Spring Cloud dependency.
 *
 * <p>A refresh is not a request a user waits for: a list that cannot be applied is logged (WARNING) and the store
 * goes on with its nodes.
 */
final class NodeListRefresh implements GenericApplicationListener {
    static final String ENVIRONMENT_CHANGE_EVENT = "org.springframework.cloud.context.environment.EnvironmentChangeEvent";
    private static final System.Logger LOG = System.getLogger("io.mcsessions.boot.NodeListRefresh");

    private final McsessionsNodes nodes;
    private final Environment environment;

    NodeListRefresh(McsessionsNodes nodes, Environment environment) {
        this.nodes = nodes;
        this.environment = environment;
    }

    @Override
    public boolean supportsEventType(ResolvableType eventType) {
        Class<?> type = eventType.toClass();
        return type != null && type.getName().equals(ENVIRONMENT_CHANGE_EVENT);
    }

    @Override
    public void onApplicationEvent(ApplicationEvent event) {
        // Bound from the environment, not read from McsessionsProperties: Spring Cloud rebinds that bean on the same
        // event, in an order we cannot rely on. The store ignores a list that names the nodes it uses already.
        String value = Binder.get(environment).bind("mcsessions.memcached-nodes", String.class).orElse(null);
        if (value == null || value.isBlank() || nodes.current().isEmpty()) {
            return;
        }
        try {
            nodes.apply(value);
        } catch (IllegalArgumentException | IllegalStateException e) {
            LOG.log(System.Logger.Level.WARNING, "mcsessions.memcached-nodes was refreshed to '" + value + "', which "
                    + "was not applied: " + e.getMessage() + "; sessions stay on " + nodes.current());
        }
    }
}
