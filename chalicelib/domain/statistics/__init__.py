"""Statistics (issue 14, S9, S11): what a ticket's history counts for, per day and dimension.

``history.contribution`` folds one ticket's history into counters keyed by (dimension,
value, day); ``figures`` turns summed counters into the figures a report shows (medians and
90th percentiles from bounded histograms) and cuts date ranges into buckets. Pure: no I/O.
"""
