namespace Siamese.Net.Embedding;

/// <summary>
/// One view of a <see cref="TestTimeAugmentation"/>: the preprocessed image, mirrored left to right when
/// <paramref name="Mirror"/> is true, then moved <paramref name="ShiftX"/> pixels right and <paramref name="ShiftY"/>
/// pixels down, the uncovered border filled by repeating the edge pixels.
/// </summary>
/// <param name="Mirror">Whether the image is flipped left to right first.</param>
/// <param name="ShiftX">Pixels the content moves right (negative: left).</param>
/// <param name="ShiftY">Pixels the content moves down (negative: up).</param>
public readonly record struct TestTimeView(bool Mirror, int ShiftX, int ShiftY);
