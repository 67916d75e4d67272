using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MediaMesh.Exchange.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class RenditionUploadLease : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "UploadLeaseExpireTime",
                table: "renditions",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "UploadLeaseToken",
                table: "renditions",
                type: "TEXT",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "UploadLeaseExpireTime",
                table: "renditions");

            migrationBuilder.DropColumn(
                name: "UploadLeaseToken",
                table: "renditions");
        }
    }
}
