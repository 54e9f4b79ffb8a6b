namespace Siamese.Net.Data;

/// <summary>
/// Computes an epoch's plan (a shuffle) once and shares it between the threads building that epoch's batches. Keeps
/// the two most recent epochs, which covers a loader that prefetches across an epoch boundary.
/// </summary>
internal sealed class EpochPlanCache<TPlan>
    where TPlan : class
{
    private readonly Func<int, TPlan> _compute;
    private readonly object _gate = new();
    private (int Epoch, TPlan Plan)? _latest;
    private (int Epoch, TPlan Plan)? _previous;

    public EpochPlanCache(Func<int, TPlan> compute) => _compute = compute;

    public TPlan Get(int epoch)
    {
        lock (_gate)
        {
            if (_latest is { } l && l.Epoch == epoch)
            {
                return l.Plan;
            }

            if (_previous is { } p && p.Epoch == epoch)
            {
                return p.Plan;
            }

            var plan = _compute(epoch);
            _previous = _latest;
            _latest = (epoch, plan);
            return plan;
        }
    }
}
