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
