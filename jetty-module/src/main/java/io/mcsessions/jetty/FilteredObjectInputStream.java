package io.mcsessions.jetty;

import io.mcsessions.core.SessionInputFilter;
import java.io.IOException;
import java.io.InputStream;
import org.eclipse.jetty.util.ClassLoadingObjectInputStream;

/**
 * Jetty's class-loading stream (its {@code SessionData} reads attributes through one) held to a
 * {@link SessionInputFilter}: the filter sees each class and reference as it is read, and each object once it is
 * complete, before the collection that holds it hashes it.
 *
 * <p>Jetty's own type, not core's {@code SessionObjectInputStream}: {@code SessionData.deserializeAttributes} refuses
 * any stream that is not a {@code ClassLoadingObjectInputStream}. It resolves classes as Jetty does (the thread's
 * context loader, the web application's while attributes are read, then the default).
 */
final class FilteredObjectInputStream extends ClassLoadingObjectInputStream {
    private final SessionInputFilter filter;

    FilteredObjectInputStream(InputStream in, SessionInputFilter filter) throws IOException {
        super(in);
        this.filter = filter;
        setObjectInputFilter(filter);
        enableResolveObject(true);
    }

    @Override
    protected Object resolveObject(Object object) throws IOException {
        return filter.checkCompleted(object);
    }
}
