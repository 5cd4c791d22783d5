import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The consumer-lag benchmark's live members: one Java consumer per line of SPEC_FILE (`GROUP PROTOCOL TOPIC`,
 * PROTOCOL classic or consumer), all in this JVM, each subscribed to its topic in its group. A member pauses the
 * partitions it is given and never commits (auto commit off), so the group stays Stable with live members and
 * its lag stays what the benchmark seeded. Run with Java's source launcher:
 * java -cp LAB_JARS LagBenchMembers.java BOOTSTRAP SPEC_FILE
 * Prints `ASSIGNED n/total` every 5 s and `READY` once every member holds partitions; leaves the groups and
 * exits when its stdin closes.
 */
public class LagBenchMembers {
  private static final int WORKERS = 8;

  public static void main(String[] args) throws IOException, InterruptedException {
    if (args.length != 2) {
      System.err.println("usage: LagBenchMembers BOOTSTRAP SPEC_FILE");
      System.exit(2);
    }
    List<String[]> specs = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of(args[1]))) {
      if (!line.isBlank()) specs.add(line.trim().split("\\s+"));
    }
    AtomicInteger assigned = new AtomicInteger();
    List<Thread> workers = new ArrayList<>();
    boolean[] stop = {false};
    for (int w = 0; w < WORKERS; w++) {
      List<String[]> mine = new ArrayList<>();
      for (int i = w; i < specs.size(); i += WORKERS) mine.add(specs.get(i));
      Thread t = new Thread(() -> run(args[0], mine, assigned, stop), "members-" + w);
      t.start();
      workers.add(t);
    }
    Thread reporter = new Thread(() -> {
      boolean ready = false;
      while (!ready) {
        try {
          Thread.sleep(5_000);
        } catch (InterruptedException e) {
          return;
        }
        int n = assigned.get();
        System.out.println("ASSIGNED " + n + "/" + specs.size());
        if (n == specs.size()) {
          System.out.println("READY");
          ready = true;
        }
      }
    });
    reporter.setDaemon(true);
    reporter.start();
    while (System.in.read() >= 0) {
      // runs until the benchmark closes our stdin
    }
    synchronized (stop) {
      stop[0] = true;
    }
    for (Thread t : workers) t.join();
  }

  private static boolean stopped(boolean[] stop) {
    synchronized (stop) {
      return stop[0];
    }
  }

  /**
   * One worker: its consumers, each polled once a second until it holds its partitions, then every 10 s
   * (heartbeats run on the clients' own threads; max.poll.interval.ms is 10 minutes), so that the members cost
   * the 2-core lab little CPU once the groups are Stable.
   */
  private static void run(String bootstrap, List<String[]> specs, AtomicInteger assigned, boolean[] stop) {
    List<KafkaConsumer<byte[], byte[]>> consumers = new ArrayList<>();
    List<boolean[]> held = new ArrayList<>();
    for (String[] spec : specs) {
      Properties props = new Properties();
      props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      props.put(ConsumerConfig.GROUP_ID_CONFIG, spec[0]);
      props.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, spec[1]);
      props.put(ConsumerConfig.CLIENT_ID_CONFIG, spec[0] + "-member");
      props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
      props.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, "600000");
      props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
      props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
      KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props);
      boolean[] counted = {false};
      consumer.subscribe(List.of(spec[2]), new ConsumerRebalanceListener() {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
          consumer.pause(partitions);
          if (!partitions.isEmpty() && !counted[0]) {
            counted[0] = true;
            assigned.incrementAndGet();
          }
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {}
      });
      consumers.add(consumer);
      held.add(counted);
    }
    for (long rounds = 0; !stopped(stop); rounds++) {
      long round = System.currentTimeMillis();
      for (int i = 0; i < consumers.size(); i++) {
        if (!held.get(i)[0] || rounds % 10 == 0) consumers.get(i).poll(Duration.ZERO);
      }
      long rest = 1_000 - (System.currentTimeMillis() - round);
      if (rest > 0) {
        try {
          Thread.sleep(rest);
        } catch (InterruptedException e) {
          break;
        }
      }
    }
    for (KafkaConsumer<byte[], byte[]> c : consumers) c.close(Duration.ofSeconds(2));
  }
}
