package meeting

import (
	"slices"
	"testing"
	"time"
)

// The cache is bounded by the records it holds, not by how many meetings:
// the least recently used lists go until the rest fits, and a list longer
// than the whole budget is not kept at all.
func TestCacheBoundedByRecords(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	records := func(n int) []Attendee { return make([]Attendee, n) }
	type step struct {
		put  string // a list of size n under this key, or
		n    int
		get  string // a lookup, which makes the key the most recently used
		want []string
	}
	tests := []struct {
		name   string
		budget int
		steps  []step
	}{
		{"fits", 100, []step{{put: "a", n: 40, want: []string{"a"}}, {put: "b", n: 60, want: []string{"a", "b"}}}},
		{"oldest goes", 100, []step{{put: "a", n: 40}, {put: "b", n: 40}, {put: "c", n: 40, want: []string{"b", "c"}}}},
		{"as many as needed go", 100, []step{{put: "a", n: 30}, {put: "b", n: 30}, {put: "c", n: 30}, {put: "d", n: 90, want: []string{"d"}}}},
		{"a read keeps it", 100, []step{{put: "a", n: 40}, {put: "b", n: 40}, {get: "a"}, {put: "c", n: 40, want: []string{"a", "c"}}}},
		{"too long for the budget is not kept", 100, []step{{put: "a", n: 40}, {put: "huge", n: 101, want: []string{"a"}}}},
		{"a replaced list weighs its new size", 100, []step{{put: "a", n: 90}, {put: "a", n: 10}, {put: "b", n: 90, want: []string{"a", "b"}}}},
		{"empty lists count one", 2, []step{{put: "a"}, {put: "b"}, {put: "c", want: []string{"b", "c"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newLRUCache(tt.budget, time.Minute, func(r []Attendee) int { return len(r) })
			for i, s := range tt.steps {
				if s.get != "" {
					c.get(s.get, now)
				} else {
					c.put(s.put, records(s.n), now)
				}
				if s.want == nil {
					continue
				}
				var got []string
				sum := 0
				for _, k := range []string{"a", "b", "c", "d", "huge"} {
					if v, ok := c.get(k, now); ok {
						got = append(got, k)
						sum += max(1, len(v))
					}
				}
				if _, w := c.len(); !slices.Equal(got, s.want) || w != sum || w > tt.budget {
					t.Errorf("after step %d the cache holds %v weighing %d; want %v within %d", i, got, w, s.want, tt.budget)
				}
			}
		})
	}
}

// Expired lists at the least recently used end go at the next put or get,
// whatever key that is for: nobody has to ask for them again.
func TestCacheDropsExpiredLists(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name       string
		op         func(c *lruCache[[]Attendee], at time.Time)
		wantWeight int // b's 30, and c's 5 when put
	}{
		{"put", func(c *lruCache[[]Attendee], at time.Time) { c.put("c", make([]Attendee, 5), at) }, 35},
		{"get", func(c *lruCache[[]Attendee], at time.Time) { c.get("c", at) }, 30},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newLRUCache(100, time.Minute, func(r []Attendee) int { return len(r) })
			c.put("a", make([]Attendee, 40), now)
			c.put("b", make([]Attendee, 30), now.Add(30*time.Second))
			tt.op(c, now.Add(time.Minute)) // a has expired, b has not
			if _, w := c.len(); w != tt.wantWeight {
				t.Errorf("cache weighs %d after a expired; want %d", w, tt.wantWeight)
			}
			if _, ok := c.get("b", now.Add(time.Minute)); !ok {
				t.Error("b went before it expired")
			}
		})
	}
}
