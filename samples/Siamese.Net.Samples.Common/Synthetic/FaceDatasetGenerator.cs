using System.Globalization;
using Siamese.Net.Samples.Common.Imaging;

namespace Siamese.Net.Samples.Common.Synthetic;

/// <summary>
/// Writes procedural faces in exactly the AT&amp;T (ORL) layout: <c>sN/K.pgm</c>, binary PGM (P5), 92x112, 8-bit,
/// on a dark plain background like the original photographs.
/// </summary>
/// <remarks>
/// A subject is a set of facial proportions and tones (face shape, hair line and darkness, eye spacing and size,
/// brows, nose, mouth, glasses, beard). Each image changes pose (yaw, tilt, scale, position), lighting direction and
/// strength, expression, whether glasses are worn, and adds sensor noise, so identity is carried by geometry that
/// survives those changes, as it is in the real set.
/// </remarks>
public static class FaceDatasetGenerator
{
    /// <summary>AT&amp;T image width.</summary>
    public const int Width = 92;

    /// <summary>AT&amp;T image height.</summary>
    public const int Height = 112;

    /// <summary>Writes the set under <paramref name="root"/> (created; existing files with the same names are replaced).</summary>
    public static GeneratedDataset Generate(string root, FaceDatasetOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();

        for (int subject = 1; subject <= options.Subjects; subject++)
        {
            string folder = Path.Combine(root, "s" + subject.ToString(CultureInfo.InvariantCulture));
            Directory.CreateDirectory(folder);
            var identity = FaceIdentity.Random(DeterministicRandom.For(options.Seed, 1, subject));
            for (int image = 1; image <= options.ImagesPerSubject; image++)
            {
                var random = DeterministicRandom.For(options.Seed, 2, subject, image);
                byte[] pixels = Render(identity, FaceShot.Random(random, identity), random);
                ImageFiles.WriteGrayPgm(Path.Combine(folder, image.ToString(CultureInfo.InvariantCulture) + ".pgm"), pixels, Width, Height);
            }
        }

        return new GeneratedDataset(root, options.Subjects, options.Subjects * options.ImagesPerSubject);
    }

    private static byte[] Render(FaceIdentity id, FaceShot shot, DeterministicRandom random)
    {
        var pixels = new byte[Width * Height];
        var centre = new PointD((Width / 2.0) + shot.ShiftX, (Height / 2.0) + 4 + shot.ShiftY);
        // Image -> face coordinates (origin at the face centre, y down, pixels at nominal scale).
        var toFace = Affine.About(new PointD(0, 0), shot.Roll, shot.Scale, shot.Scale, 0, centre.X, centre.Y).Inverse();
        double yawShift = shot.Yaw * id.FaceWidth * 0.55;
        for (int y = 0; y < Height; y++)
        {
            for (int x = 0; x < Width; x++)
            {
                var p = toFace.Apply(new PointD(x + 0.5, y + 0.5));
                double value = Shade(id, shot, p, yawShift);
                value += random.Gaussian(3.5);
                pixels[(y * Width) + x] = InkCanvas.ToByte(value);
            }
        }

        return pixels;
    }

    private static double Shade(FaceIdentity id, FaceShot shot, PointD p, double yawShift)
    {
        double u = p.X, v = p.Y;

        // Background: dark, nearly flat, slightly lit from the same side as the face.
        double value = shot.Background + (shot.LightX * 6 * u / Width);

        // Shoulders and neck.
        value = Blend(value, id.Clothes, Ellipse(u - (yawShift * 0.2), v - 62, 46, 22));
        value = Blend(value, id.Skin * 0.8, Ellipse(u - (yawShift * 0.3), v - 40, id.FaceWidth * 0.45, 16));

        // Hair mass behind the head.
        value = Blend(value, id.Hair, Ellipse(u - (yawShift * 0.3), v + id.HairTop, id.FaceWidth + id.HairVolume, id.FaceHeight * 0.9));

        // The face, shaded by the light direction, turning with yaw.
        double faceU = u - (yawShift * 0.35);
        double faceCover = Ellipse(faceU, v, id.FaceWidth * (1 - (0.15 * Math.Abs(shot.Yaw))), id.FaceHeight);
        double light = shot.Light * (1 + (0.35 * shot.LightX * faceU / id.FaceWidth) + (0.15 * shot.LightY * v / id.FaceHeight));
        value = Blend(value, id.Skin * light, faceCover);

        // Hair line / fringe over the forehead.
        double fringe = -id.FaceHeight + id.HairLine + (id.FringeWave * Math.Sin((u * 0.25) + id.FringePhase));
        value = Blend(value, id.Hair, faceCover * Step(fringe - v));

        if (id.Beard)
        {
            value = Blend(value, id.Hair * 1.2, 0.8 * faceCover * Step(v - (id.MouthY - 7)) * Ellipse(faceU, v - id.MouthY - 4, id.FaceWidth * 0.8, 14));
        }

        // Features move further than the outline when the head turns, which is what yaw looks like in 2-D.
        double fu = u - yawShift;
        double fv = v + shot.Pitch;
        foreach (int side in (ReadOnlySpan<int>)[-1, 1])
        {
            double ex = fu - (side * id.EyeSpacing);
            double ey = fv - id.EyeY;
            double browTilt = side * id.BrowTilt * ex;
            value = Blend(value, id.Hair * 0.9, Ellipse(ex, ey + id.BrowGap + browTilt, id.EyeWidth * 1.3, id.BrowThickness));
            value = Blend(value, id.Skin * light * 0.7, Ellipse(ex, ey - 1, id.EyeWidth * 1.1, id.EyeHeight * 1.4));
            value = Blend(value, 215, Ellipse(ex, ey, id.EyeWidth, id.EyeHeight * shot.EyeOpen));
            value = Blend(value, id.Iris, Ellipse(ex - (shot.Gaze * id.EyeWidth * 0.3), ey, id.EyeHeight * 0.95, id.EyeHeight * 0.95 * shot.EyeOpen));
            if (shot.Glasses)
            {
                double ring = Math.Abs(Math.Sqrt((ex * ex / (id.LensWidth * id.LensWidth)) + (ey * ey / (id.LensHeight * id.LensHeight))) - 1);
                value = Blend(value, 30, Step((0.09 - ring) * id.LensWidth));
            }
        }

        if (shot.Glasses)
        {
            value = Blend(value, 30, Ellipse(fu, fv - id.EyeY - 1, id.EyeSpacing - id.LensWidth + 1, 0.9));
        }

        // Nose: a shaded ridge on the side away from the light, and two nostrils.
        value = Blend(value, id.Skin * light * 0.78, Ellipse(fu + (shot.LightX * 2.5), fv - id.NoseY + id.NoseLength / 2, 1.6, id.NoseLength / 2));
        value = Blend(value, id.Skin * 0.45, Ellipse(fu - 3.2, fv - id.NoseY - id.NoseLength, 1.8, 1.2));
        value = Blend(value, id.Skin * 0.45, Ellipse(fu + 3.2, fv - id.NoseY - id.NoseLength, 1.8, 1.2));

        // Mouth: lips, opened by the expression; a smile lifts the corners.
        double mu = fu;
        double mv = fv - id.MouthY + (shot.Smile * mu * mu / (id.MouthWidth * id.MouthWidth) * -3);
        value = Blend(value, id.Lips, Ellipse(mu, mv, id.MouthWidth * (1 + (0.15 * shot.Smile)), id.LipHeight + shot.MouthOpen));
        value = Blend(value, 35, Ellipse(mu, mv, id.MouthWidth * 0.85, 0.6 + shot.MouthOpen));
        return value;
    }

    /// <summary>Soft coverage of an axis-aligned ellipse at the origin, with a one-pixel edge ramp.</summary>
    private static double Ellipse(double u, double v, double a, double b)
    {
        double r = Math.Sqrt((u * u / (a * a)) + (v * v / (b * b)));
        return Step((1 - r) * Math.Min(a, b));
    }

    private static double Step(double signedDistance) => Math.Clamp(signedDistance + 0.5, 0, 1);

    private static double Blend(double under, double over, double alpha) => under + ((over - under) * alpha);
}
