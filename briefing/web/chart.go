package web

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strings"
	"time"

	"firsthand/briefing/i18n"
	"firsthand/store"
)

// The acknowledgement curve, drawn on the server as SVG: no chart library,
// no script, and it prints. Colours come from app.css through classes.

// paceWindow is how many of the latest acknowledgements set the pace of
// the estimate: recent enough to follow a slowing curve, many enough not
// to jump with each one.
const paceWindow = 20

// estimateThreshold says when the threshold will be reached at the current pace:
// the latest acknowledgements (up to paceWindow) over the time from the
// first of them until now, so that a pause slows the estimate down. It
// reports false when there is no pace to go by.
func estimateThreshold(points []store.CurvePoint, published, now time.Time, need int) (time.Time, bool) {
	if len(points) == 0 {
		return time.Time{}, false
	}
	acked := points[len(points)-1].Acknowledged
	if acked >= need {
		for _, p := range points {
			if p.Acknowledged >= need {
				return p.At, true
			}
		}
	}
	start, count := published, acked
	if i := len(points) - 1 - paceWindow; i >= 0 {
		start, count = points[i].At, acked-points[i].Acknowledged
	}
	span := now.Sub(start)
	if count <= 0 || span <= 0 {
		return time.Time{}, false
	}
	perAck := span / time.Duration(count)
	return now.Add(perAck * time.Duration(need-acked)), true
}

// curveChart is one drawing of the curve.
type curveChart struct {
	Points     []store.CurvePoint
	Start, Now time.Time
	Recipients int
	Need       int          // acknowledgements the threshold asks for
	Threshold  float64      // as a share, for the label
	ETA        *time.Time   // when the threshold is expected, if it is not met yet
	NotBefore  *time.Time   // the embargo
	L          *i18n.Locale // the reader's language and zone, for the labels
}

// svg draws the chart w×h user units large. Every text is escaped; the
// result is safe to put into a page as it is.
func (ch curveChart) svg(w, h float64, title string) template.HTML {
	const left, right, top, bottom = 46.0, 14.0, 16.0, 30.0
	end := ch.Now
	if ch.ETA != nil && ch.ETA.After(end) && ch.ETA.Sub(ch.Start) <= 4*ch.Now.Sub(ch.Start) {
		end = *ch.ETA
	}
	span := end.Sub(ch.Start)
	if span < 10*time.Minute {
		span = 10 * time.Minute
	}
	end = ch.Start.Add(span + span/20)
	span = end.Sub(ch.Start)
	total := math.Max(1, float64(ch.Recipients))
	pw, ph := w-left-right, h-top-bottom
	x := func(t time.Time) float64 {
		f := float64(t.Sub(ch.Start)) / float64(span)
		return left + math.Max(0, math.Min(1, f))*pw
	}
	y := func(n int) float64 { return top + ph - float64(n)/total*ph }
	f := func(v float64) string { return fmt.Sprintf("%.1f", v) }

	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %s %s" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg">`,
		f(w), f(h), html.EscapeString(title))
	// Grid and y labels: 0, 25, 50, 75, 100 % of recipients.
	for i := 0; i <= 4; i++ {
		yy := top + ph - float64(i)/4*ph
		fmt.Fprintf(&b, `<line class="grid" x1="%s" x2="%s" y1="%s" y2="%s"/>`, f(left), f(w-right), f(yy), f(yy))
		fmt.Fprintf(&b, `<text class="ylab" x="%s" y="%s" text-anchor="end">%s</text>`, f(left-6), f(yy+4),
			html.EscapeString(ch.L.Pct(float64(i)/4)))
	}
	// X labels.
	ticks := int(math.Max(2, math.Floor(pw/110)))
	for i := 0; i <= ticks; i++ {
		t := ch.Start.Add(time.Duration(float64(span) * float64(i) / float64(ticks)))
		anchor := "middle"
		switch i {
		case 0:
			anchor = "start"
		case ticks:
			anchor = "end"
		}
		fmt.Fprintf(&b, `<text class="xlab" x="%s" y="%s" text-anchor="%s">%s</text>`,
			f(x(t)), f(h-8), anchor, html.EscapeString(tickLabel(ch.L, t, span)))
	}
	// The embargo, if it falls inside the chart.
	if nb := ch.NotBefore; nb != nil && nb.After(ch.Start) && nb.Before(end) {
		fmt.Fprintf(&b, `<line class="embargo" x1="%s" x2="%s" y1="%s" y2="%s"/>`, f(x(*nb)), f(x(*nb)), f(top), f(top+ph))
		fmt.Fprintf(&b, `<text class="note" x="%s" y="%s">%s</text>`, f(x(*nb)+4), f(top+ph-6), html.EscapeString(ch.L.T("dash.chart_embargo")))
	}
	// The curve: a step line, filled beneath.
	var path strings.Builder
	fmt.Fprintf(&path, "M%s %s", f(x(ch.Start)), f(y(0)))
	last := 0
	for _, p := range ch.Points {
		fmt.Fprintf(&path, "H%sV%s", f(x(p.At)), f(y(p.Acknowledged)))
		last = p.Acknowledged
	}
	fmt.Fprintf(&path, "H%s", f(x(ch.Now)))
	fmt.Fprintf(&b, `<path class="area" d="%sV%sZ"/>`, path.String(), f(y(0)))
	fmt.Fprintf(&b, `<path class="curve" d="%s"/>`, path.String())
	// The threshold line and its label.
	yt := y(ch.Need)
	fmt.Fprintf(&b, `<line class="threshold" x1="%s" x2="%s" y1="%s" y2="%s"/>`, f(left), f(w-right), f(yt), f(yt))
	ly := yt - 6
	if ly < top+8 {
		ly = yt + 16
	}
	fmt.Fprintf(&b, `<text class="tlab" x="%s" y="%s">%s</text>`, f(left+6), f(ly),
		html.EscapeString(ch.L.T("dash.chart_threshold", "Pct", ch.L.Pct(ch.Threshold), "Need", ch.Need)))
	// Now, and the estimate at the current pace.
	fmt.Fprintf(&b, `<circle class="dot" cx="%s" cy="%s" r="4"/>`, f(x(ch.Now)), f(y(last)))
	if ch.ETA != nil && !ch.ETA.After(end) && last < ch.Need {
		fmt.Fprintf(&b, `<line class="eta" x1="%s" y1="%s" x2="%s" y2="%s"/>`, f(x(ch.Now)), f(y(last)), f(x(*ch.ETA)), f(yt))
		fmt.Fprintf(&b, `<circle class="eta-dot" cx="%s" cy="%s" r="4"/>`, f(x(*ch.ETA)), f(yt))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) //nolint:gosec // built above from numbers and escaped text
}

// tickLabel names a time on the x axis as precisely as the span needs, in
// the reader's zone and language.
func tickLabel(l *i18n.Locale, t time.Time, span time.Duration) string {
	switch {
	case span <= 24*time.Hour:
		return l.Clock(t)
	case span <= 7*24*time.Hour:
		return l.WeekdayClock(t)
	}
	return l.DayMonth(t)
}
