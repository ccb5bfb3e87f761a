package io.memfis.store;

class InMemoryStoreContractTest extends StoreContractTest {

    @Override
    Store open() {
        return Stores.inMemory(1 << 20);
    }
}
