package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// loadOptions say how many sign-ins to run and how.
type loadOptions struct {
	n           int // sign-ins that must complete
	concurrency int
	// retry starts an interrupted sign-in (connection error or 503) again
	// from scratch with a new registration, as a user would. The fault runs
	// use it: the server or its store goes away and comes back.
	retry bool
	// started, when set, is called after every finished attempt.
	started func(ok int)
}

// result is what a run measured.
type result struct {
	n, ok, attempts int
	interrupted     int            // attempts stopped by a connection error or 503
	interruptions   map[string]int // their kinds
	start           time.Time
	wall            time.Duration
	errors          map[string]int             // kind → count, attempts that failed for good
	steps           map[string][]time.Duration // successful steps
	totals          []time.Duration            // whole successful sign-ins
	exchanges       []exchange                 // every HTTP exchange of every attempt
	grants          []*grant                   // every grant a client received, with its latest tokens
}

// runLoad runs opts.n sign-ins against t, opts.concurrency at a time, each
// as a different user with a new client registration.
func runLoad(ctx context.Context, t *target, opts loadOptions) *result {
	res := &result{n: opts.n, errors: map[string]int{}, interruptions: map[string]int{}, steps: map[string][]time.Duration{}}
	var mu sync.Mutex
	prefix := "u" + strings.ToLower(randomString(3))
	prefix = strings.NewReplacer("-", "x", "_", "y").Replace(prefix)
	next := make(chan int)
	go func() {
		defer close(next)
		for i := range opts.n {
			select {
			case next <- i:
			case <-ctx.Done():
				return
			}
		}
	}()

	res.start = time.Now()
	var wg sync.WaitGroup
	for range max(1, min(opts.concurrency, opts.n)) {
		wg.Go(func() {
			for i := range next {
				user := fmt.Sprintf("%s-%05d", prefix, i)
				for attempt := 0; ; attempt++ {
					s := newAttempt(t, user)
					began := time.Now()
					err := s.run(ctx)
					took := time.Since(began)

					mu.Lock()
					res.attempts++
					res.exchanges = append(res.exchanges, s.log...)
					if s.grant != nil {
						res.grants = append(res.grants, s.grant)
					}
					interrupted := err != nil && interruption(err, s.log)
					switch {
					case err == nil:
						res.ok++
						res.totals = append(res.totals, took)
						for step, d := range s.times {
							res.steps[step] = append(res.steps[step], d)
						}
					case interrupted:
						res.interrupted++
						res.interruptions[errorKind(err, s.log)]++
					}
					retry := interrupted && opts.retry && ctx.Err() == nil
					if err != nil && !retry {
						res.errors[errorKind(err, s.log)]++
					}
					ok := res.ok
					mu.Unlock()
					if opts.started != nil {
						opts.started(ok)
					}
					if !retry {
						break
					}
					// Back off a little, with jitter, as a person would.
					time.Sleep(time.Duration(200+attempt%5*100) * time.Millisecond)
				}
			}
		})
	}
	wg.Wait()
	res.wall = time.Since(res.start)
	return res
}

// interruption reports whether a failed attempt ended on a connection
// error, or a 503 (or its counterparts in an authorization response and a
// tool answer) from a server whose store is away: the answers a client
// retries after.
func interruption(err error, log []exchange) bool {
	if errors.Is(err, errToolUnavailable) || errors.Is(err, errAuthUnavailable) {
		return true
	}
	if len(log) == 0 {
		return false
	}
	last := log[len(log)-1]
	return last.Err != nil || last.Status == http.StatusServiceUnavailable || sessionLost(last)
}

// sessionLost reports an MCP request refused because its session is
// unknown: a stateful server (memory, sqlite) forgets its sessions when it
// restarts, and the MCP specification has it answer 404, after which the
// client starts a new session.
func sessionLost(e exchange) bool {
	return e.Session && e.Status == http.StatusNotFound
}

// errorKind names the way an attempt failed, for counting: the step and
// the HTTP status or connection error it ended on, or the step and the
// error.
func errorKind(err error, log []exchange) string {
	var se *stepError
	step := "?"
	if errors.As(err, &se) {
		step = se.step
	}
	if len(log) > 0 {
		last := log[len(log)-1]
		switch {
		case last.Err != nil:
			return fmt.Sprintf("%s: %s %s: connection error (%s)", step, last.Method, last.Path, connError(last.Err))
		case last.Status >= 400:
			return fmt.Sprintf("%s: %s %s: HTTP %d", step, last.Method, last.Path, last.Status)
		}
	}
	msg := err.Error()
	if len(msg) > 160 {
		msg = msg[:160] + "…"
	}
	return msg
}

// connError shortens a transport error to its kind.
func connError(err error) string {
	msg := err.Error()
	for _, kind := range []string{"connection refused", "connection reset", "broken pipe", "timeout", "EOF"} {
		if strings.Contains(msg, kind) {
			return kind
		}
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return "EOF"
	}
	if len(msg) > 80 {
		msg = msg[:80] + "…"
	}
	return msg
}

// percentile returns the p-th percentile (0 < p ≤ 100) of sorted durations,
// by the nearest-rank method.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(p/100*float64(len(sorted))+0.999999) - 1
	return sorted[max(0, min(rank, len(sorted)-1))]
}

// print writes the figures of a run.
func (r *result) print(w io.Writer, title string) {
	fmt.Fprintf(w, "%s\n", title)
	fmt.Fprintf(w, "sign-ins: %d ok of %d (%d attempts, %d interrupted), %d failed\n", r.ok, r.n, r.attempts, r.interrupted, r.failed())
	rate := 0.0
	if r.wall > 0 {
		rate = float64(r.ok) / r.wall.Seconds()
	}
	fmt.Fprintf(w, "wall time: %s, %.1f sign-ins/s\n", r.wall.Round(time.Millisecond), rate)
	fmt.Fprintf(w, "%-10s %6s %10s %10s %10s\n", "step", "n", "p50", "p99", "max")
	row := func(name string, ds []time.Duration) {
		ds = slices.Clone(ds)
		slices.Sort(ds)
		var top time.Duration
		if len(ds) > 0 {
			top = ds[len(ds)-1]
		}
		fmt.Fprintf(w, "%-10s %6d %10s %10s %10s\n", name, len(ds), ms(percentile(ds, 50)), ms(percentile(ds, 99)), ms(top))
	}
	for _, step := range steps {
		row(step, r.steps[step])
	}
	row("sign-in", r.totals)
	if len(r.interruptions) > 0 {
		fmt.Fprintln(w, "interruptions by kind (retried from scratch):")
		for _, k := range sortedKeys(r.interruptions) {
			fmt.Fprintf(w, "  %5d  %s\n", r.interruptions[k], k)
		}
	}
	if len(r.errors) > 0 {
		fmt.Fprintln(w, "errors by kind:")
		kinds := make([]string, 0, len(r.errors))
		for k := range r.errors {
			kinds = append(kinds, k)
		}
		sort.Strings(kinds)
		for _, k := range kinds {
			fmt.Fprintf(w, "  %5d  %s\n", r.errors[k], k)
		}
	}
}

func (r *result) failed() int {
	n := 0
	for _, c := range r.errors {
		n += c
	}
	return n
}

func ms(d time.Duration) string {
	return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000)
}
