namespace Siamese.Net.Data;

/// <summary>One image of a <see cref="RotatedClassBatchSource"/> batch, before any tensor is touched.</summary>
/// <param name="ImageIndex">Row of the dataset's image tensor.</param>
/// <param name="Rotation">Quarter turns counter-clockwise (0-3).</param>
/// <param name="ClassId">The batch label: character rank × rotations + rotation.</param>
/// <param name="ShiftX">Horizontal translation in pixels (positive = right).</param>
/// <param name="ShiftY">Vertical translation in pixels (positive = down).</param>
public sealed record RotatedClassDraw(int ImageIndex, int Rotation, int ClassId, int ShiftX, int ShiftY);
