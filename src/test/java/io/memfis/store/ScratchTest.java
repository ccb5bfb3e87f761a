package io.memfis.store;

import io.memfis.testing.MemcachedServer;
import net.spy.memcached.*;
import net.spy.memcached.internal.OperationFuture;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;

class ScratchTest {
    @Test
    void serverSideTooLarge() throws Exception {
        System.setProperty("net.spy.log.LoggerImpl", "net.spy.memcached.compat.log.SLF4JLogger");
        try (MemcachedServer s = MemcachedServer.builder().start()) {
            MemcachedClient c = new MemcachedClient(new ConnectionFactoryBuilder().setProtocol(ConnectionFactoryBuilder.Protocol.BINARY)
                    .setFailureMode(FailureMode.Cancel).setMaxReconnectDelay(2).build(), List.of(s.address()));
            Thread.sleep(300);
            RawTranscoder tc = RawTranscoder.INSTANCE;
            c.set("old", 0, new byte[10], tc).get();
            OperationFuture<Boolean> a = c.set("a", 0, new byte[10], tc);
            OperationFuture<Boolean> big = c.set("old", 0, new byte[2 << 20], tc);
            OperationFuture<Boolean> b = c.set("b", 0, new byte[10], tc);
            System.out.println("a " + a.get() + " " + a.getStatus());
            try { System.out.println("big " + big.get() + " " + big.getStatus()); } catch (Exception e) { System.out.println("big ex " + e); }
            try { System.out.println("b " + b.get() + " " + b.getStatus()); } catch (Exception e) { System.out.println("b ex " + e); }
            for (int i = 0; i < 10; i++) {
                OperationFuture<Boolean> x = c.set("x", 0, new byte[10], tc);
                try { System.out.println(i + " x " + x.get() + " " + x.getStatus()); } catch (Exception e) { System.out.println(i + " x ex " + e); }
                Thread.sleep(300);
            }
            System.out.println("old after failed set: " + c.get("old", tc));
            String key = "k".repeat(250);
            for (int v = (1 << 20) - 312; v < (1 << 20) - 305; v++) {
                OperationFuture<Boolean> f = c.set(key, 0, new byte[v], tc);
                boolean ok;
                try { ok = f.get(); } catch (Exception e) { ok = false; }
                System.out.println("size " + v + " overhead " + ((1 << 20) - v) + " -> " + ok);
                if (!ok) Thread.sleep(2500);
            }
            c.shutdown(1, TimeUnit.SECONDS);
        }
    }
}
