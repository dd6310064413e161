package bot

import (
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/attendees-bot/attendees-bot/bot/autopost"
	"github.com/attendees-bot/attendees-bot/bot/store"
	"github.com/attendees-bot/attendees-bot/meeting"
)

// Metrics are the service's Prometheus metrics, in a registry of their own so
// tests and several instances in one process never collide.
type Metrics struct {
	Registry        *prometheus.Registry
	commands        *prometheus.CounterVec
	ackLatency      prometheus.Histogram
	commandDuration prometheus.Histogram
	inflight        prometheus.Gauge
	meetingRequests *prometheus.CounterVec
	meetingDuration *prometheus.HistogramVec
	cacheLookups    *prometheus.CounterVec
	autoposts       *prometheus.CounterVec
	auditRows       *prometheus.CounterVec
	auditFailures   prometheus.Counter
	dedupeDegraded  prometheus.Counter
	storeUp         prometheus.Gauge
}

// NewMetrics registers every metric, plus the Go and process collectors.
func NewMetrics() *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		commands: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "attendees_commands_total", Help: "Commands and button presses handled, by outcome.",
		}, []string{"outcome"}),
		ackLatency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "attendees_ack_latency_seconds", Help: "Time from receiving a Socket Mode envelope to queueing its ack (Slack allows 3s).",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 3},
		}),
		commandDuration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "attendees_command_duration_seconds", Help: "Time from ack to the last reply of a command.",
			Buckets: prometheus.ExponentialBuckets(0.01, 2.5, 10),
		}),
		inflight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "attendees_inflight_commands", Help: "Commands accepted and not yet answered.",
		}),
		meetingRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "attendees_meeting_requests_total", Help: "Meeting API HTTP requests, by operation and status (0 = no response).",
		}, []string{"op", "status"}),
		meetingDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "attendees_meeting_request_duration_seconds", Help: "Meeting API request duration, by operation.",
			Buckets: prometheus.ExponentialBuckets(0.01, 2, 12),
		}, []string{"op"}),
		cacheLookups: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "attendees_meeting_cache_lookups_total", Help: "Attendee-record cache lookups, by result (hit or miss).",
		}, []string{"result"}),
		dedupeDegraded: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "attendees_dedupe_degraded_total", Help: "Commands checked for redelivery, and Share taps for a double tap, in this process's memory only: the store did not answer within 200 ms or failed.",
		}),
		storeUp: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "attendees_store_up", Help: "1 when the last store check passed (the SQLite file is the one opened and a write succeeds), else 0.",
		}),
		autoposts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "attendees_autopost_posts_total", Help: "Automatic posts processed, by outcome (posted, no_records, deferred, retry, failed, lost).",
		}, []string{"outcome"}),
		auditRows: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "attendees_audit_rows_total", Help: "Audit trail rows written, by action.",
		}, []string{"action"}),
		auditFailures: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "attendees_audit_write_failures_total", Help: "Audit trail rows that could not be written (each is logged instead).",
		}),
	}
	// Every known label value starts at 0, so a fresh process exports its
	// series before the first event: increase() and rate() then see the
	// first internal error or failed post instead of a series appearing at 1.
	for _, o := range commandOutcomes {
		m.commands.WithLabelValues(o)
	}
	for _, o := range autopost.Outcomes {
		m.autoposts.WithLabelValues(o)
	}
	for _, r := range []string{"hit", "miss"} {
		m.cacheLookups.WithLabelValues(r)
	}
	for _, a := range store.AuditActions {
		m.auditRows.WithLabelValues(a)
	}
	m.Registry.MustRegister(m.auditRows, m.auditFailures, m.autoposts, m.dedupeDegraded, m.storeUp, m.commands, m.ackLatency, m.commandDuration, m.inflight,
		m.meetingRequests, m.meetingDuration, m.cacheLookups,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// commandOutcomes are the values of attendees_commands_total's outcome label.
var commandOutcomes = []string{
	outcomeOK, outcomeInvalid, outcomeNotFound, outcomeForbidden, outcomeUnavailable, outcomeTimeout,
	outcomeSlack, outcomeInternal, outcomeRefused, outcomeThrottled, outcomeBusy, outcomeDuplicate, outcomeTooLarge, outcomeIgnored, outcomeStore, outcomeClosed,
}

// MeetingOptions hook the metrics into a meeting client.
func (m *Metrics) MeetingOptions() []meeting.Option {
	return []meeting.Option{
		meeting.WithRequestHook(func(e meeting.RequestEvent) {
			m.meetingRequests.WithLabelValues(e.Op, strconv.Itoa(e.Status)).Inc()
			m.meetingDuration.WithLabelValues(e.Op).Observe(e.Duration.Seconds())
		}),
		meeting.WithCacheHook(func(hit bool) {
			if hit {
				m.cacheLookups.WithLabelValues("hit").Inc()
			} else {
				m.cacheLookups.WithLabelValues("miss").Inc()
			}
		}),
	}
}

func (m *Metrics) observeAck(d time.Duration) { m.ackLatency.Observe(d.Seconds()) }

func (m *Metrics) command(outcome string, d time.Duration) {
	m.commands.WithLabelValues(outcome).Inc()
	if d > 0 {
		m.commandDuration.Observe(d.Seconds())
	}
}

// AuditWritten counts n audit rows of action written to the store.
func (m *Metrics) AuditWritten(action string, n int) {
	m.auditRows.WithLabelValues(action).Add(float64(n))
}

// AuditFailed counts n audit rows that could not be written.
func (m *Metrics) AuditFailed(n int) { m.auditFailures.Add(float64(n)) }

// AutopostOutcome counts one processed automatic post.
func (m *Metrics) AutopostOutcome(outcome string) { m.autoposts.WithLabelValues(outcome).Inc() }

// WatchPendingAge exports the age of the oldest pending automatic post,
// read from the store at each scrape (alert when it grows). When the store
// cannot be read the gauge is left out of the scrape rather than given a
// made-up value: no number here could be compared with a threshold.
func (m *Metrics) WatchPendingAge(age func() (time.Duration, error)) {
	m.Registry.MustRegister(pendingAge{
		desc: prometheus.NewDesc("attendees_autopost_pending_age_seconds",
			"Age of the oldest automatic post not yet sent (0 when none; absent when the store cannot be read).", nil, nil),
		age: age,
	})
}

// pendingAge is the collector of attendees_autopost_pending_age_seconds.
type pendingAge struct {
	desc *prometheus.Desc
	age  func() (time.Duration, error)
}

func (p pendingAge) Describe(ch chan<- *prometheus.Desc) { ch <- p.desc }

func (p pendingAge) Collect(ch chan<- prometheus.Metric) {
	if d, err := p.age(); err == nil {
		ch <- prometheus.MustNewConstMetric(p.desc, prometheus.GaugeValue, d.Seconds())
	}
}
