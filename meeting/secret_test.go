package meeting

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func TestSecretNeverPrints(t *testing.T) {
	const value = "s3cr3t-value"
	s := Secret(value)
	wrapper := struct {
		Token Secret `json:"token"`
	}{s}

	var logBuf bytes.Buffer
	slog.New(slog.NewTextHandler(&logBuf, nil)).Info("x", "token", s, "wrapper", wrapper)
	js, err := json.Marshal(wrapper)
	if err != nil {
		t.Fatal(err)
	}
	outputs := map[string]string{
		"%s":   fmt.Sprintf("%s", s),
		"%v":   fmt.Sprintf("%v", s),
		"%+v":  fmt.Sprintf("%+v", wrapper),
		"%#v":  fmt.Sprintf("%#v", wrapper),
		"%q":   fmt.Sprintf("%q", s),
		"%x":   fmt.Sprintf("%x", s),
		"%d":   fmt.Sprintf("%d", s),
		"json": string(js),
		"slog": logBuf.String(),
		"err":  fmt.Errorf("wrap %v", s).Error(),
	}
	for name, out := range outputs {
		if strings.Contains(out, value) {
			t.Errorf("%s output %q contains the secret", name, out)
		}
		if !strings.Contains(out, "[redacted]") {
			t.Errorf("%s output %q lacks [redacted]", name, out)
		}
	}
	if s.Reveal() != value {
		t.Errorf("Reveal() = %q; want %q", s.Reveal(), value)
	}
}
