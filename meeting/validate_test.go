package meeting

import (
	"errors"
	"strings"
	"testing"
)

func TestValidateConfUUID(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{"9a0fa6d10a5b11eaae5e191763c22c0e", true},
		{"9A0FA6D10A5B11EAAE5E191763C22C0E", true},
		{"9a0fa6d1-0a5b-11ea-ae5e-191763c22c0e", true},
		{"", false},
		{"9a0fa6d10a5b11eaae5e191763c22c0", false},   // 31
		{"9a0fa6d10a5b11eaae5e191763c22c0e0", false}, // 33
		{"9a0fa6d10a5b11eaae5e191763c22c0g", false},
		{"9a0fa6d1-0a5b11ea-ae5e-191763c22c0e", false},
		{" 9a0fa6d10a5b11eaae5e191763c22c0e", false},
		{"../../etc/passwd", false},
	}
	for _, tt := range tests {
		err := ValidateConfUUID(tt.in)
		if (err == nil) != tt.ok {
			t.Errorf("ValidateConfUUID(%q) = %v; want ok=%v", tt.in, err, tt.ok)
		}
		if err != nil && (!errors.Is(err, ErrInvalidInput) || !strings.Contains(err.Error(), "like 9a0fa6d10a5b11eaae5e191763c22c0e")) {
			t.Errorf("ValidateConfUUID(%q) = %v; want ErrInvalidInput showing a valid example", tt.in, err)
		}
	}
}

func TestNormalizeMeetingID(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"9601234567", "9601234567"},
		{"960 123 4567", "9601234567"},
		{"960-123-4567", "9601234567"},
		{" 960\u00a0123\t4567 ", "9601234567"},
		{"960–123—4567", "9601234567"},
		{"123456", "123456"},
		{"12345678901234567890", "12345678901234567890"},
		{"12345", ""},
		{"123456789012345678901", ""},
		{"96O1234567", ""},
		{"９６０１２３４５６７", ""},
		{"", ""},
		{"+86 960 123 4567", ""},
	}
	for _, tt := range tests {
		got, err := NormalizeMeetingID(tt.in)
		if got != tt.want || (err == nil) != (tt.want != "") {
			t.Errorf("NormalizeMeetingID(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
		if err != nil && (!errors.Is(err, ErrInvalidInput) || !strings.Contains(err.Error(), "like 960 123 4567")) {
			t.Errorf("NormalizeMeetingID(%q) error %q; want ErrInvalidInput with an example", tt.in, err)
		}
	}
}

func FuzzValidateConfUUID(f *testing.F) {
	for _, s := range []string{"9a0fa6d10a5b11eaae5e191763c22c0e", "9a0fa6d1-0a5b-11ea-ae5e-191763c22c0e", "", "zz", strings.Repeat("a", 36)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := ValidateConfUUID(s)
		if err == nil {
			hex := strings.ReplaceAll(s, "-", "")
			if !isHex(hex, 32) {
				t.Fatalf("ValidateConfUUID(%q) accepted a non-UUID", s)
			}
			return
		}
		if !errors.Is(err, ErrInvalidInput) || len(err.Error()) > 300 {
			t.Fatalf("ValidateConfUUID(%q) = %v", s, err)
		}
	})
}

func FuzzNormalizeMeetingID(f *testing.F) {
	for _, s := range []string{"960 123 4567", "960-123-4567", "abc", "", "1234567890123456789012", "\u2013\u00a01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := NormalizeMeetingID(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidInput) || id != "" {
				t.Fatalf("NormalizeMeetingID(%q) = %q, %v", s, id, err)
			}
			return
		}
		if len(id) < minMeetingIDDigits || len(id) > maxMeetingIDDigits || strings.Trim(id, "0123456789") != "" {
			t.Fatalf("NormalizeMeetingID(%q) = %q: not 6-20 digits", s, id)
		}
		again, err := NormalizeMeetingID(id)
		if err != nil || again != id {
			t.Fatalf("NormalizeMeetingID not idempotent on %q: %q, %v", id, again, err)
		}
	})
}
