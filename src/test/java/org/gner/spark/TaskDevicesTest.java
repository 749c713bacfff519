package org.gner.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TaskDevicesTest {

    @Test
    void gpuTakesTheFirstAddressSparkAssignedTheTask() {
        assertEquals("gpu:3", TaskDevices.device("gpu", new String[] {"3", "5"}));
        assertEquals("gpu:1", TaskDevices.device("GPU", new String[] {" 1 "}));
        assertEquals("gpu:0", TaskDevices.device("gpu", new String[0]));
        assertEquals("gpu:0", TaskDevices.device("cuda", null));
    }

    @Test
    void explicitDevicesAndCpuIgnoreAssignments() {
        assertEquals("gpu:2", TaskDevices.device("gpu:2", new String[] {"0"}));
        assertEquals("cpu", TaskDevices.device("cpu", new String[] {"0"}));
    }

    @Test
    void nonIndexAddressesAreRefused() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> TaskDevices.device("gpu", new String[] {"GPU-8f3a"}));
        assertEquals(true, e.getMessage().contains("GPU-8f3a"));
    }

    @Test
    void outsideATaskThereAreNoAddresses() {
        assertArrayEquals(new String[0], TaskDevices.gpuAddresses(null));
    }

    @Test
    void stridedPartitionsDealRowsRoundRobin() {
        StridedPartitioner p = new StridedPartitioner(3);
        assertEquals(0, p.getPartition(0L));
        assertEquals(2, p.getPartition(5L));
        assertEquals(4, StridedPartitioner.partitionsFor(2, 100));
        assertEquals(3, StridedPartitioner.partitionsFor(8, 3));
        assertEquals(1, StridedPartitioner.partitionsFor(8, 0));
    }
}
