"""The frames the Trends charts draw, one module per chart family: period choice,
grouping, long forms and rupture markers, so the chart builders only encode."""
