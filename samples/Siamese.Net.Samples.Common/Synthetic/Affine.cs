namespace Siamese.Net.Samples.Common.Synthetic;

/// <summary>A 2-D affine map x' = A x + t, used for the per-sample jitter of strokes and faces.</summary>
internal readonly record struct Affine(double A11, double A12, double A21, double A22, double Tx, double Ty)
{
    public static Affine Identity { get; } = new(1, 0, 0, 1, 0, 0);

    /// <summary>Rotation, anisotropic scale and horizontal shear about <paramref name="centre"/>, then translation.</summary>
    public static Affine About(PointD centre, double rotation, double scaleX, double scaleY, double shear, double tx, double ty)
    {
        double c = Math.Cos(rotation);
        double s = Math.Sin(rotation);
        // R * Shear * Scale
        double m11 = c * scaleX;
        double m12 = ((c * shear) - s) * scaleY;
        double m21 = s * scaleX;
        double m22 = ((s * shear) + c) * scaleY;
        double ox = centre.X - ((m11 * centre.X) + (m12 * centre.Y)) + tx;
        double oy = centre.Y - ((m21 * centre.X) + (m22 * centre.Y)) + ty;
        return new Affine(m11, m12, m21, m22, ox, oy);
    }

    public PointD Apply(PointD p) => new((A11 * p.X) + (A12 * p.Y) + Tx, (A21 * p.X) + (A22 * p.Y) + Ty);

    public Affine Inverse()
    {
        double det = (A11 * A22) - (A12 * A21);
        double i11 = A22 / det;
        double i12 = -A12 / det;
        double i21 = -A21 / det;
        double i22 = A11 / det;
        return new Affine(i11, i12, i21, i22, -((i11 * Tx) + (i12 * Ty)), -((i21 * Tx) + (i22 * Ty)));
    }
}
