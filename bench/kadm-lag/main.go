// Command kadm-lag is the Go peer of the consumer-lag benchmark: the lag of every consumer group of a cluster,
// computed with franz-go's kadm (the client library KMinion is built on). Groups are listed with their type
// (ListGroups with types). The classic groups go through kadm's Lag (DescribeGroups, OffsetFetch, start and end
// offsets); Kafka 4 answers DescribeGroups with GROUP_ID_NOT_FOUND for a consumer-protocol group, so those take
// the same steps with DescribeConsumerGroups (ConsumerGroupDescribe) for state and members, as Lookout describes
// them, and kadm's own lag arithmetic (CalculateGroupLagWithStartOffsets). Both kinds run at once.
//
// Usage: kadm-lag BOOTSTRAP[,BOOTSTRAP...]
// Prints one line per group, `GROUP TYPE STATE MEMBERS LAG` (LAG summed over its partitions), then
// `ELAPSED_MS n`, the time from the client's creation until every group's lag was known.
package main

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: kadm-lag BOOTSTRAP[,BOOTSTRAP...]")
		os.Exit(2)
	}
	if err := run(strings.Split(os.Args[1], ",")); err != nil {
		fmt.Fprintln(os.Stderr, "kadm-lag:", err)
		os.Exit(1)
	}
}

type groupLine struct {
	group, kind, state string
	members            int
	lag                int64
}

func run(seeds []string) error {
	started := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cl, err := kgo.NewClient(kgo.SeedBrokers(seeds...))
	if err != nil {
		return err
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)

	listed, err := adm.ListGroupsByType(ctx, []string{"classic", "consumer"})
	if err != nil {
		return fmt.Errorf("listing groups: %w", err)
	}
	var classic, consumer []string
	for g, l := range listed {
		if l.GroupType == "consumer" {
			consumer = append(consumer, g)
		} else {
			classic = append(classic, g)
		}
	}
	// The two kinds at once: kadm's Lag for the classic groups, the same steps by hand for the consumer-protocol
	// ones (Lag describes by DescribeGroups, which Kafka 4 answers GROUP_ID_NOT_FOUND for them).
	young := make(chan result[[]groupLine], 1)
	go func() { young <- consumerGroupLags(ctx, adm, consumer) }()
	lines, err := classicGroupLags(ctx, adm, classic, listed)
	if err != nil {
		return err
	}
	y := <-young
	if y.err != nil {
		return y.err
	}
	lines = append(lines, y.value...)
	elapsed := time.Since(started)
	sort.Slice(lines, func(i, j int) bool { return lines[i].group < lines[j].group })
	out := &strings.Builder{}
	for _, l := range lines {
		fmt.Fprintf(out, "%s %s %s %d %d\n", l.group, l.kind, l.state, l.members, l.lag)
	}
	fmt.Fprintf(out, "ELAPSED_MS %d\n", elapsed.Milliseconds())
	_, err = os.Stdout.WriteString(out.String())
	return err
}

type result[T any] struct {
	value T
	err   error
}

// classicGroupLags is kadm's Lag: DescribeGroups, OffsetFetch, start and end offsets, the lag per partition.
func classicGroupLags(ctx context.Context, adm *kadm.Client, groups []string, listed kadm.ListedGroups) ([]groupLine, error) {
	if len(groups) == 0 {
		return nil, nil
	}
	lags, err := adm.Lag(ctx, groups...)
	if err != nil {
		return nil, fmt.Errorf("lag: %w", err)
	}
	var lines []groupLine
	for g, l := range lags {
		if e := l.Error(); e != nil {
			return nil, fmt.Errorf("group %s: %w", g, e)
		}
		lines = append(lines, groupLine{group: g, kind: listed[g].GroupType, state: l.State, members: len(l.Members), lag: l.Lag.Total()})
	}
	return lines, nil
}

// consumerGroupLags: ConsumerGroupDescribe for state and members, OffsetFetch, start and end offsets of the
// committed partitions, and kadm's lag arithmetic (CalculateGroupLagWithStartOffsets).
func consumerGroupLags(ctx context.Context, adm *kadm.Client, groups []string) result[[]groupLine] {
	if len(groups) == 0 {
		return result[[]groupLine]{}
	}
	described, err := adm.DescribeConsumerGroups(ctx, groups...)
	if err != nil {
		return result[[]groupLine]{err: fmt.Errorf("describing consumer groups: %w", err)}
	}
	fetched := adm.FetchManyOffsets(ctx, groups...)
	if err := fetched.Error(); err != nil {
		return result[[]groupLine]{err: fmt.Errorf("fetching offsets: %w", err)}
	}
	topics := fetched.CommittedPartitions().Topics()
	starts, err := adm.ListStartOffsets(ctx, topics...)
	if err != nil {
		return result[[]groupLine]{err: fmt.Errorf("start offsets: %w", err)}
	}
	ends, err := adm.ListEndOffsets(ctx, topics...)
	if err != nil {
		return result[[]groupLine]{err: fmt.Errorf("end offsets: %w", err)}
	}
	var lines []groupLine
	for _, g := range groups {
		d := described[g]
		if d.Err != nil {
			return result[[]groupLine]{err: fmt.Errorf("group %s: %w", g, d.Err)}
		}
		lag := kadm.CalculateGroupLagWithStartOffsets(kadm.DescribedGroup{Group: g, State: d.State}, fetched[g].Fetched, starts, ends)
		lines = append(lines, groupLine{group: g, kind: "consumer", state: d.State, members: len(d.Members), lag: lag.Total()})
	}
	return result[[]groupLine]{value: lines}
}
