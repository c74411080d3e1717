package web

import (
	"encoding/xml"
	"io"
	"strings"
	"testing"
	"time"

	"firsthand/briefing/i18n"
	"firsthand/store"
)

func TestPageChartEstimate(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	at := func(min, n int) store.CurvePoint {
		return store.CurvePoint{At: t0.Add(time.Duration(min) * time.Minute), Acknowledged: n}
	}
	steady := []store.CurvePoint{}
	for i := 1; i <= 10; i++ {
		steady = append(steady, at(i*6, i)) // one every 6 minutes
	}
	burst := []store.CurvePoint{}
	for i := 1; i <= 30; i++ {
		burst = append(burst, at(i, i)) // 30 in the first half hour…
	}
	cases := []struct {
		name   string
		points []store.CurvePoint
		now    time.Time
		need   int
		want   time.Time
		ok     bool
	}{
		{"no acknowledgements", nil, t0.Add(time.Hour), 5, time.Time{}, false},
		{"already met: when it was", steady, t0.Add(2 * time.Hour), 4, t0.Add(24 * time.Minute), true},
		// 10 in 60 minutes since publish: 6 minutes each, 10 more to go.
		{"steady pace", steady, t0.Add(60 * time.Minute), 20, t0.Add(120 * time.Minute), true},
		// …then a pause: the last 20 took from minute 10 to now (minute 90),
		// 4 minutes each, 10 more to go.
		{"pace slows after a pause", burst, t0.Add(90 * time.Minute), 40, t0.Add(130 * time.Minute), true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := estimateThreshold(tc.points, t0, tc.now, tc.need)
			if ok != tc.ok || !got.Equal(tc.want) {
				t.Errorf("got %v, %v; want %v, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestPageChartSVGIsWellFormedAndEscaped(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	eta, nb := t0.Add(3*time.Hour), t0.Add(30*time.Minute)
	ch := curveChart{
		Points: []store.CurvePoint{{At: t0.Add(10 * time.Minute), Acknowledged: 3}, {At: t0.Add(50 * time.Minute), Acknowledged: 9}},
		Start:  t0, Now: t0.Add(time.Hour), Recipients: 20, Need: 16, Threshold: 0.8, ETA: &eta, NotBefore: &nb,
		L: localeIn(t, i18n.English, "Europe/Berlin"),
	}
	for _, size := range [][2]float64{{720, 260}, {360, 240}} {
		svg := string(ch.svg(size[0], size[1], `Title with <tags> & "quotes"`))
		d := xml.NewDecoder(strings.NewReader(svg))
		var texts []string
		for {
			tok, err := d.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%v wide: not well-formed: %v\n%s", size[0], err, svg)
			}
			if cd, ok := tok.(xml.CharData); ok {
				texts = append(texts, string(cd))
			}
		}
		all := strings.Join(texts, "|")
		for _, want := range []string{"threshold 80% · 16", "embargo", "0%", "100%", "10:00"} {
			if !strings.Contains(all, want) {
				t.Errorf("%v wide: the chart lacks %q in %q", size[0], want, all)
			}
		}
		for _, want := range []string{`class="curve"`, `class="threshold"`, `class="eta"`, `&lt;tags&gt; &amp; &#34;quotes&#34;`} {
			if !strings.Contains(svg, want) {
				t.Errorf("%v wide: the chart lacks %s", size[0], want)
			}
		}
		if strings.Contains(svg, "style=") {
			t.Errorf("the chart has a style attribute: the CSP would block it")
		}
	}
}
