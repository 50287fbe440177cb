// Command helm-yaml reads each file named on its command line as Helm reads a values file
// (chartutil.ReadValues: sigs.k8s.io/yaml, which is ghodss/yaml over gopkg.in/yaml.v2,
// into a map) and prints one line per file:
//
//	NAME<TAB>ok<TAB>CANONICAL-JSON
//	NAME<TAB>refused<TAB>REASON
//
// The canonical JSON has sorted keys, every number as Helm holds it (a float64, printed as
// encoding/json prints one), and strings escaped only where JSON requires it, so that the
// Rust side (examples/helm_values.rs) can print the same bytes for the same values.
package main

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/ghodss/yaml"
)

// readValues is Helm's chartutil.ReadValues.
func readValues(data []byte) (vals map[string]interface{}, err error) {
	err = yaml.Unmarshal(data, &vals)
	if len(vals) == 0 {
		vals = map[string]interface{}{}
	}
	return vals, err
}

func writeString(b *strings.Builder, s string) {
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r < 0x20:
			fmt.Fprintf(b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
}

// writeFloat prints a float64 as encoding/json does.
func writeFloat(b *strings.Builder, f float64) {
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	s := strconv.FormatFloat(f, format, -1, 64)
	if format == 'e' {
		// clean up e-09 to e-9
		n := len(s)
		if n >= 4 && s[n-4] == 'e' && s[n-3] == '-' && s[n-2] == '0' {
			s = s[:n-2] + s[n-1:]
		}
	}
	b.WriteString(s)
}

func write(b *strings.Builder, v interface{}) {
	switch t := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(t))
	case float64:
		writeFloat(b, t)
	case string:
		writeString(b, t)
	case []interface{}:
		b.WriteByte('[')
		for i, item := range t {
			if i > 0 {
				b.WriteByte(',')
			}
			write(b, item)
		}
		b.WriteByte(']')
	case map[string]interface{}:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			writeString(b, k)
			b.WriteByte(':')
			write(b, t[k])
		}
		b.WriteByte('}')
	default:
		fmt.Fprintf(b, "<unexpected %T>", v)
	}
}

func main() {
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for _, name := range os.Args[1:] {
		data, err := os.ReadFile(name)
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
			os.Exit(2)
		}
		vals, err := readValues(data)
		if err != nil {
			reason := strings.ReplaceAll(err.Error(), "\n", " ")
			fmt.Fprintf(out, "%s\trefused\t%s\n", name, reason)
			continue
		}
		var b strings.Builder
		write(&b, vals)
		fmt.Fprintf(out, "%s\tok\t%s\n", name, b.String())
	}
}
