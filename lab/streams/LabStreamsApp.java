import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The lab's Kafka Streams application: one stateless subtopology (INPUT → upper case → OUTPUT) in a streams
 * group (KIP-1071, group.protocol=streams), committing every second. Run with Java's source launcher:
 * java -cp LAB_JARS LabStreamsApp.java BOOTSTRAP APPLICATION_ID INPUT OUTPUT STATE_DIR
 * Prints its state changes (RUNNING once its tasks are assigned); exits cleanly on SIGTERM.
 */
public class LabStreamsApp {
  public static void main(String[] args) throws InterruptedException {
    if (args.length != 5) {
      System.err.println("usage: LabStreamsApp BOOTSTRAP APPLICATION_ID INPUT OUTPUT STATE_DIR");
      System.exit(2);
    }
    Properties props = new Properties();
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, args[1]);
    props.put(StreamsConfig.GROUP_PROTOCOL_CONFIG, "streams");
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1000);
    props.put(StreamsConfig.STATE_DIR_CONFIG, args[4]);
    props.put(StreamsConfig.CLIENT_ID_CONFIG, args[1] + "-app");
    props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
    props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
    StreamsBuilder builder = new StreamsBuilder();
    builder.<byte[], String>stream(args[2]).mapValues(v -> v == null ? null : v.toUpperCase()).to(args[3]);
    KafkaStreams streams = new KafkaStreams(builder.build(), props);
    CountDownLatch done = new CountDownLatch(1);
    streams.setStateListener((now, before) -> System.out.println("STATE " + now));
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      streams.close();
      done.countDown();
    }));
    streams.start();
    done.await();
  }
}
