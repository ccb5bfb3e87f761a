package io.memfis.store;

import net.spy.memcached.MemcachedNode;
import net.spy.memcached.MemcachedNodeROImpl;
import net.spy.memcached.NodeLocator;

import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * Puts each key on the server where nginx looks for it, when nginx is configured with the
 * same servers in the same order, with the same weights and hash:
 *
 * <pre>
 * upstream memfis { hash $memcached_key [consistent]; server 10.0.0.1:11211; server 10.0.0.2:11211; }
 * </pre>
 *
 * <p>The {@link Placement} reproduces nginx's choice ({@link ModuloPlacement} or
 * {@link ConsistentPlacement}); with one server it gets every key. nginx hashes the
 * value of {@code $memcached_key} before {@code ngx_http_memcached_module} escapes it for
 * the wire, while our keys are already escaped, so the placement hashes the key unescaped
 * ({@link io.memfis.layout.Keys#unescape}).
 *
 * <p>Only nginx's first choice is reproduced: when that server fails nginx rehashes to
 * another ({@code crc32("1" + key)}, ...), where memfis never wrote, so a down server means
 * 404s or 502s for its keys, not stale content. Write servers as IP addresses in both
 * configurations: nginx makes one server per address of a host name.
 */
final class NginxHashLocator implements NodeLocator {

    private final Placement placement;
    private volatile List<MemcachedNode> nodes;

    /** {@code nodes} in the pool's order. */
    NginxHashLocator(List<MemcachedNode> nodes, Placement placement) {
        this.nodes = List.copyOf(nodes);
        this.placement = placement;
    }

    @Override
    public MemcachedNode getPrimary(String key) {
        return nodes.get(placement.serverOf(key));
    }

    /** No second choice: the store cancels operations of a server that is down (FailureMode.Cancel). */
    @Override
    public Iterator<MemcachedNode> getSequence(String key) {
        return Collections.emptyIterator();
    }

    @Override
    public Collection<MemcachedNode> getAll() {
        return nodes;
    }

    @Override
    public NodeLocator getReadonlyCopy() {
        return new NginxHashLocator(nodes.stream().<MemcachedNode>map(MemcachedNodeROImpl::new).toList(), placement);
    }

    @Override
    public void updateLocator(List<MemcachedNode> newNodes) {
        nodes = List.copyOf(newNodes);
    }
}
