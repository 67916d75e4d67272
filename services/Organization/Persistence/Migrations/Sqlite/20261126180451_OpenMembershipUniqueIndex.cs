using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MediaMesh.Organizations.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class OpenMembershipUniqueIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ux_union_memberships_open",
                table: "union_memberships",
                columns: new[] { "UnionId", "MemberId" },
                unique: true,
                filter: "\"State\" IN (1, 2)");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ux_union_memberships_open",
                table: "union_memberships");
        }
    }
}
